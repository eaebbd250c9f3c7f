package org.dml4j.experiments.bench.jmh;

import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.LpDistance;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.mining.BatchHardMiner;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.MultiSimilarityMiner;
import org.dml4j.mining.TripletMarginMiner;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * The miners on one batch of 256 × 128 float32 N(0, 1) embeddings, 8 classes × 32, with the configurations of the
 * reference protocol (semihard margin 0.2, multi-similarity epsilon 0.1). Baselines: the pairwise matrix each miner
 * starts from (Euclidean for the triplet miners, cosine for multi-similarity), so a ratio is the miner's total over
 * its matrix.
 */
public class MiningBench extends JmhDefaults {

    private static final int ROWS = 256;

    private INDArray embeddings;
    private int[] labels;
    private final TripletMarginMiner semihard =
            new TripletMarginMiner(0.2, TripletMarginMiner.Type.SEMIHARD, new LpDistance());
    private final MultiSimilarityMiner multiSimilarity = new MultiSimilarityMiner(0.1, new CosineSimilarity());
    private final BatchHardMiner batchHard = new BatchHardMiner();

    /** Draws the batch. */
    @Setup
    public void setUp() {
        embeddings = BenchData.gaussian(ROWS, BenchData.DIM, 3);
        labels = BenchData.blockLabels(ROWS);
    }

    /** @return the semihard triplets */
    @Benchmark
    public IndexTuples semihardTriplets() {
        return semihard.mine(embeddings, labels);
    }

    /** @return the multi-similarity pairs */
    @Benchmark
    public IndexTuples multiSimilarityPairs() {
        return multiSimilarity.mine(embeddings, labels);
    }

    /** @return the batch-hard triplets */
    @Benchmark
    public IndexTuples batchHardTriplets() {
        return batchHard.mine(embeddings, labels);
    }

    /** @return baseline: the Euclidean distance matrix the triplet miners start from */
    @Benchmark
    public PairwiseMatrix baselineLpMatrix() {
        return new LpDistance().pairwise(embeddings);
    }

    /** @return baseline: the cosine similarity matrix the multi-similarity miner starts from */
    @Benchmark
    public PairwiseMatrix baselineCosineMatrix() {
        return new CosineSimilarity().pairwise(embeddings);
    }
}
