package org.dml4j.mining;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.Distance;
import org.dml4j.distance.PairwiseMatrix;

import java.util.SplittableRandom;

/**
 * Pairs spread uniformly over the range of their distances (PML's {@code UniformHistogramMiner}): the positive
 * pairs' values are split into {@code numBins} equal-width bins between their minimum and maximum, and
 * {@code posPerBin} pairs are drawn with replacement from every non-empty bin, in bin order; the same for the
 * negative pairs with {@code negPerBin}. The bin edges are computed as PyTorch's {@code linspace}, a bin holds
 * {@code edge_k <= v < edge_k+1} (the last one also its upper edge). The draws come from a generator seeded with
 * {@code seed} and advanced by every call (PML draws from PyTorch's global generator, so the pairs themselves cannot
 * match PML's; the bins and counts do). Calls are synchronized on the generator.
 */
public final class UniformHistogramMiner extends AbstractMatrixMiner<PairTuples> {

    /** PML's default number of bins. */
    public static final int DEFAULT_NUM_BINS = 100;
    /** PML's default number of pairs drawn per bin. */
    public static final int DEFAULT_PER_BIN = 10;

    @Config(description = "The number of equal-width bins (PML default " + DEFAULT_NUM_BINS + ").")
    private int numBins = DEFAULT_NUM_BINS;

    @Config(description = "Positive pairs drawn from each non-empty bin (PML default " + DEFAULT_PER_BIN + ").")
    private int posPerBin = DEFAULT_PER_BIN;

    @Config(description = "Negative pairs drawn from each non-empty bin (PML default " + DEFAULT_PER_BIN + ").")
    private int negPerBin = DEFAULT_PER_BIN;

    @Config(description = "The seed of the draws.")
    private long seed = 12345L;

    private SplittableRandom rng;

    /** Creates the miner with PML's defaults (100 bins, 10 pairs per bin, Euclidean on normalized, seed 12345). */
    public UniformHistogramMiner() {
        postConfig();
    }

    /**
     * Creates the miner.
     *
     * @param numBins   the number of bins
     * @param posPerBin positive pairs drawn per non-empty bin
     * @param negPerBin negative pairs drawn per non-empty bin
     * @param seed      the seed of the draws
     * @param distance  the distance to compare with
     */
    public UniformHistogramMiner(int numBins, int posPerBin, int negPerBin, long seed, Distance distance) {
        this.numBins = numBins;
        this.posPerBin = posPerBin;
        this.negPerBin = negPerBin;
        this.seed = seed;
        this.distance = distance;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (numBins < 1) {
            throw new PropertyException("", "numBins", "numBins must be >= 1, found " + numBins);
        }
        if (posPerBin < 1) {
            throw new PropertyException("", "posPerBin", "posPerBin must be >= 1, found " + posPerBin);
        }
        if (negPerBin < 1) {
            throw new PropertyException("", "negPerBin", "negPerBin must be >= 1, found " + negPerBin);
        }
        rng = new SplittableRandom(seed);
    }

    @Override
    protected PairTuples fromMatrix(PairwiseMatrix m, int[] queryLabels, int[] referenceLabels) {
        PairTuples all = PairTuples.where(queryLabels, referenceLabels, m.isSelf(), (a, p) -> true, (a, n) -> true);
        synchronized (this) {
            int[] pos = drawn(m, all.posAnchors(), all.positives(), posPerBin);
            int[] neg = drawn(m, all.negAnchors(), all.negatives(), negPerBin);
            return all.select(pos, neg);
        }
    }

    /**
     * The bin edges of PyTorch's {@code linspace(low, high, numBins + 1)}: the first half counted up from
     * {@code low}, the second half down from {@code high}.
     *
     * @param low  the smallest value
     * @param high the largest value
     * @return the {@code numBins + 1} edges
     */
    double[] edges(double low, double high) {
        int steps = numBins + 1;
        double step = (high - low) / (steps - 1);
        double[] edges = new double[steps];
        int halfway = steps / 2;
        for (int k = 0; k < steps; k++) {
            edges[k] = k < halfway ? low + step * k : high - step * (steps - k - 1);
        }
        return edges;
    }

    /**
     * Which bin each value falls in (-1 for none: only a NaN), as PML's {@code filter_by_bin}.
     *
     * @param values the values
     * @return the bin of each value
     */
    int[] bins(double[] values) {
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            low = Math.min(low, v);
            high = Math.max(high, v);
        }
        double[] edges = edges(low, high);
        int[] bins = new int[values.length];
        for (int k = 0; k < values.length; k++) {
            bins[k] = -1;
            for (int b = 0; b < numBins; b++) {
                boolean below = b == numBins - 1 ? values[k] <= edges[b + 1] : values[k] < edges[b + 1];
                if (edges[b] <= values[k] && below) {
                    bins[k] = b;
                    break;
                }
            }
        }
        return bins;
    }

    private int[] drawn(PairwiseMatrix m, int[] anchors, int[] others, int perBin) {
        if (anchors.length == 0) {
            return new int[0];
        }
        double[] values = new double[anchors.length];
        for (int k = 0; k < values.length; k++) {
            values[k] = m.get(anchors[k], others[k]);
        }
        int[] bins = bins(values);
        IntList[] members = new IntList[numBins];
        for (int k = 0; k < bins.length; k++) {
            if (bins[k] >= 0) {
                if (members[bins[k]] == null) {
                    members[bins[k]] = new IntList();
                }
                members[bins[k]].add(k);
            }
        }
        IntList out = new IntList();
        for (IntList bin : members) {
            if (bin != null) {
                int[] candidates = bin.toArray();
                for (int d = 0; d < perBin; d++) {
                    out.add(candidates[rng.nextInt(candidates.length)]);
                }
            }
        }
        return out.toArray();
    }

    @Override
    public String toString() {
        return "UniformHistogramMiner(numBins=" + numBins + ", posPerBin=" + posPerBin + ", negPerBin=" + negPerBin
                + ", seed=" + seed + ", distance=" + distance + ")";
    }
}
