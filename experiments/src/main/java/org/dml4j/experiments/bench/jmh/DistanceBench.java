package org.dml4j.experiments.bench.jmh;

import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.EmbeddingGradients;
import org.dml4j.distance.LpDistance;
import org.dml4j.distance.PairwiseMatrix;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * The pairwise matrix of a batch with itself (B × 128 float32 embeddings) and its backward pass, for the Euclidean
 * distance and the cosine similarity, as the losses and miners compute them (float64, normalized rows). Baselines:
 * the plain ND4J product {@code x·xᵀ} of the same shapes in float32 and float64, and one float64 product
 * {@code W·x} of the backward pass's shapes (B × B by B × 128).
 */
public class DistanceBench extends JmhDefaults {

    /** The batch size B. */
    @Param({"256", "1024"})
    public int rows;

    private INDArray embeddings;
    private INDArray embeddingsDouble;
    private INDArray upstreamDouble;
    private double[] upstream;
    private PairwiseMatrix lp;
    private PairwiseMatrix cosine;

    /** Draws the batch and computes the matrices whose backward passes are timed. */
    @Setup
    public void setUp() {
        embeddings = BenchData.gaussian(rows, BenchData.DIM, 1);
        embeddingsDouble = embeddings.castTo(DataType.DOUBLE);
        upstream = BenchData.upstreamGradient(rows, rows, 2);
        upstreamDouble = Nd4j.create(upstream, new long[]{rows, rows}, DataType.DOUBLE);
        lp = new LpDistance().pairwise(embeddings);
        cosine = new CosineSimilarity().pairwise(embeddings);
    }

    /** @return the Euclidean distance matrix */
    @Benchmark
    public PairwiseMatrix lpMatrix() {
        return new LpDistance().pairwise(embeddings);
    }

    /** @return the gradient of the Euclidean distance matrix with respect to the embeddings */
    @Benchmark
    public EmbeddingGradients lpGradient() {
        return lp.backward(upstream);
    }

    /** @return the cosine similarity matrix */
    @Benchmark
    public PairwiseMatrix cosineMatrix() {
        return new CosineSimilarity().pairwise(embeddings);
    }

    /** @return the gradient of the cosine similarity matrix with respect to the embeddings */
    @Benchmark
    public EmbeddingGradients cosineGradient() {
        return cosine.backward(upstream);
    }

    /** @return baseline: {@code x·xᵀ} in float32 */
    @Benchmark
    public INDArray baselineMmulFloat() {
        return embeddings.mmul(embeddings.transpose());
    }

    /** @return baseline: {@code x·xᵀ} in float64 */
    @Benchmark
    public INDArray baselineMmulDouble() {
        return embeddingsDouble.mmul(embeddingsDouble.transpose());
    }

    /** @return baseline: one backward-pass product {@code W·x} in float64 */
    @Benchmark
    public INDArray baselineGradientMmulDouble() {
        return upstreamDouble.mmul(embeddingsDouble);
    }
}
