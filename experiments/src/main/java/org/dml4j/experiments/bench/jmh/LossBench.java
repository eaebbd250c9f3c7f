package org.dml4j.experiments.bench.jmh;

import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.EmbeddingGradients;
import org.dml4j.distance.LpDistance;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.loss.ContrastiveLoss;
import org.dml4j.loss.LossResult;
import org.dml4j.loss.MetricLoss;
import org.dml4j.loss.MultiSimilarityLoss;
import org.dml4j.loss.ProxyNCALoss;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * Loss forward and backward (value and gradients) on one batch of 256 × 128 float32 N(0, 1) embeddings, 8 classes
 * × 32, over all tuples (no miner), with PML's default configurations. Baselines: the loss's own distance work, its
 * pairwise matrix and the backward pass of an upstream gradient of the same shape, so a ratio is the loss's total
 * over its distance (Euclidean 256 × 256 for contrastive, cosine 256 × 256 for multi-similarity, squared Euclidean
 * 256 × 8 to the proxies for ProxyNCA).
 */
public class LossBench extends JmhDefaults {

    private static final int ROWS = 256;

    private INDArray embeddings;
    private int[] labels;
    private final MetricLoss contrastive = new ContrastiveLoss();
    private final MetricLoss multiSimilarity = new MultiSimilarityLoss();
    private MetricLoss proxyNca;
    private INDArray proxies;
    private double[] selfUpstream;
    private double[] proxyUpstream;

    /** Draws the batch and the proxies. */
    @Setup
    public void setUp() {
        embeddings = BenchData.gaussian(ROWS, BenchData.DIM, 4);
        labels = BenchData.blockLabels(ROWS);
        int classes = ROWS / BenchData.PER_CLASS;
        proxyNca = new ProxyNCALoss(classes, BenchData.DIM).forTraining(5);
        proxies = proxyNca.parameters().get("proxies");
        selfUpstream = BenchData.upstreamGradient(ROWS, ROWS, 6);
        proxyUpstream = BenchData.upstreamGradient(ROWS, classes, 7);
    }

    /** @return the contrastive loss and its gradients */
    @Benchmark
    public LossResult contrastive() {
        return contrastive.compute(embeddings, labels);
    }

    /** @return the multi-similarity loss and its gradients */
    @Benchmark
    public LossResult multiSimilarity() {
        return multiSimilarity.compute(embeddings, labels);
    }

    /** @return the ProxyNCA loss and its gradients (embeddings and proxies) */
    @Benchmark
    public LossResult proxyNca() {
        return proxyNca.compute(embeddings, labels);
    }

    /** @return baseline: the Euclidean matrix of the batch and its backward pass */
    @Benchmark
    public EmbeddingGradients baselineLpMatrixAndGradient() {
        return new LpDistance().pairwise(embeddings).backward(selfUpstream);
    }

    /** @return baseline: the cosine matrix of the batch and its backward pass */
    @Benchmark
    public EmbeddingGradients baselineCosineMatrixAndGradient() {
        return new CosineSimilarity().pairwise(embeddings).backward(selfUpstream);
    }

    /** @return baseline: the squared Euclidean matrix to the proxies and its backward pass */
    @Benchmark
    public EmbeddingGradients baselineProxyMatrixAndGradient() {
        PairwiseMatrix toProxies = new LpDistance(true, 2).pairwise(embeddings, proxies);
        return toProxies.backward(proxyUpstream);
    }
}
