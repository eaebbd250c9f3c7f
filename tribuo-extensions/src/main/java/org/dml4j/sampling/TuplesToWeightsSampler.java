package org.dml4j.sampling;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.Miner;
import org.dml4j.mining.PairTuples;
import org.dml4j.mining.QuadrupletTuples;
import org.dml4j.mining.TripletTuples;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Samples the examples a miner finds hard more often (PML's {@code TuplesToWeightsSampler}): the miner runs on the
 * embeddings of the whole dataset (or of a random subset of {@code subsetSize} examples), every example gets the
 * number of times it occurs in the mined tuples divided by the largest such count as its weight (examples outside
 * the subset 0; all 1 when nothing is mined), and the epoch draws {@code subsetSize} (or N) examples with
 * replacement in proportion to the weights. It needs the current model's embeddings of the dataset, so it is not a
 * {@link BatchSampler}: call {@link #epoch(INDArray, int[], int, SplittableRandom)} with them.
 */
public final class TuplesToWeightsSampler implements Configurable, Provenancable<ConfiguredObjectProvenance> {

    @Config(mandatory = true, description = "The miner whose tuples give the weights.")
    private Miner miner;

    @Config(description = "Examples embedded, mined and drawn per epoch (0: the whole dataset).")
    private int subsetSize;

    private TuplesToWeightsSampler() {
        // For OLCUT.
    }

    /**
     * Creates the sampler.
     *
     * @param miner      the miner whose tuples give the weights
     * @param subsetSize examples mined and drawn per epoch, 0 for all
     */
    public TuplesToWeightsSampler(Miner miner, int subsetSize) {
        this.miner = miner;
        this.subsetSize = subsetSize;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (miner == null) {
            throw new PropertyException("", "miner", "miner must be set");
        }
        if (subsetSize < 0) {
            throw new PropertyException("", "subsetSize", "subsetSize must be >= 0 (0: the whole dataset), found "
                    + subsetSize);
        }
    }

    /**
     * PML's {@code convert_to_weights}: how often each row occurs in the tuples, divided by the largest count; all
     * 1 when there are no tuples.
     *
     * @param tuples the mined tuples, or null
     * @param size   the number of rows
     * @return one weight per row
     */
    public static double[] weights(IndexTuples tuples, int size) {
        int[] counts = new int[size];
        int[][] lists;
        if (tuples == null) {
            lists = new int[0][];
        } else if (tuples instanceof PairTuples p) {
            lists = new int[][]{p.posAnchors(), p.positives(), p.negAnchors(), p.negatives()};
        } else if (tuples instanceof TripletTuples t) {
            lists = new int[][]{t.anchors(), t.positives(), t.negatives()};
        } else {
            QuadrupletTuples q = (QuadrupletTuples) tuples;
            lists = new int[][]{q.anchors(), q.positives(), q.negatives(), q.secondNegatives()};
        }
        int max = 0;
        for (int[] list : lists) {
            for (int i : list) {
                max = Math.max(max, ++counts[i]);
            }
        }
        double[] weights = new double[size];
        for (int i = 0; i < size; i++) {
            weights[i] = max == 0 ? 1 : (double) counts[i] / max;
        }
        return weights;
    }

    /**
     * Plans one epoch.
     *
     * @param embeddings the current model's embeddings of the whole dataset, N × d
     * @param labels     the N labels
     * @param batchSize  the number of indices per batch
     * @param rng        the source of randomness, advanced by the call
     * @return the batches (the last one shorter if the batch size does not divide the draws)
     */
    public List<int[]> epoch(INDArray embeddings, int[] labels, int batchSize, SplittableRandom rng) {
        Shuffling.checkBatchSize(batchSize);
        int n = labels.length;
        if (n == 0 || embeddings.rows() != n) {
            throw new IllegalArgumentException("TuplesToWeightsSampler needs one embedding per label, found "
                    + embeddings.rows() + " embeddings and " + n + " labels");
        }
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        int[] subset = subsetSize > 0 ? Shuffling.safeChoice(all, subsetSize, rng) : all;
        int[] subsetLabels = new int[subset.length];
        for (int k = 0; k < subset.length; k++) {
            subsetLabels[k] = labels[subset[k]];
        }
        INDArray rows = subsetSize > 0 ? embeddings.getRows(subset) : embeddings;
        double[] subsetWeights = weights(miner.mine(rows, subsetLabels), subset.length);
        double[] cumulative = new double[n];
        for (int k = 0; k < subset.length; k++) {
            cumulative[subset[k]] = subsetWeights[k];
        }
        for (int i = 1; i < n; i++) {
            cumulative[i] += cumulative[i - 1];
        }
        double total = cumulative[n - 1];
        int[] drawn = new int[subset.length];
        for (int k = 0; k < drawn.length; k++) {
            double u = rng.nextDouble() * total;
            int lo = 0;
            int hi = n - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cumulative[mid] > u) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            drawn[k] = lo;
        }
        return Shuffling.cut(drawn, batchSize);
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "Sampler");
    }

    @Override
    public String toString() {
        return "TuplesToWeightsSampler(miner=" + miner + ", subsetSize=" + subsetSize + ")";
    }
}
