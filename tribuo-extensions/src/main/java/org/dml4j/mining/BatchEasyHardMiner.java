package org.dml4j.mining;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.Distance;
import org.dml4j.distance.PairwiseMatrix;

/**
 * One positive and one negative per anchor, each chosen by a strategy (PML's {@code BatchEasyHardMiner}, Xuan et
 * al. 2020 "Improved embeddings with easy positive triplet mining"): {@link Strategy#EASY} takes the most similar
 * positive or the least similar negative, {@link Strategy#HARD} the least similar positive or the most similar
 * negative, {@link Strategy#SEMIHARD} the hardest one that is still easier than the other side's choice (the
 * hardest positive closer than the chosen negative, or the closest negative further than the chosen positive), and
 * {@link Strategy#ALL} keeps every pair of that side. Optional value ranges drop candidate pairs outside
 * {@code [low, high]} before the choice. The result is pairs: {@code (a, p)} and {@code (a, n)} for every anchor
 * that has both (one side {@code ALL}: all its pairs, and one pair per anchor on the other side). Ties go to the
 * lowest index.
 */
public final class BatchEasyHardMiner extends AbstractMatrixMiner<PairTuples> {

    /** How a side (positives or negatives) is chosen. */
    public enum Strategy {
        /** The hardest pair of the anchor. */
        HARD,
        /** The hardest pair that is still easier than the other side's choice. */
        SEMIHARD,
        /** The easiest pair of the anchor. */
        EASY,
        /** Every pair. */
        ALL
    }

    @Config(description = "How the positive of each anchor is chosen: HARD, SEMIHARD, EASY or ALL (PML default EASY).")
    private Strategy posStrategy = Strategy.EASY;

    @Config(description = "How the negative of each anchor is chosen: HARD, SEMIHARD, EASY or ALL "
            + "(PML default SEMIHARD).")
    private Strategy negStrategy = Strategy.SEMIHARD;

    @Config(description = "Positive pairs outside [low, high] are never chosen (two values; unset: no limit).")
    private double[] allowedPosRange;

    @Config(description = "Negative pairs outside [low, high] are never chosen (two values; unset: no limit).")
    private double[] allowedNegRange;

    /** Creates the miner with PML's defaults (easy positives, semihard negatives, Euclidean on normalized). */
    public BatchEasyHardMiner() {
    }

    /**
     * Creates the miner.
     *
     * @param posStrategy     how positives are chosen
     * @param negStrategy     how negatives are chosen
     * @param allowedPosRange {@code {low, high}} for positive pairs, or null
     * @param allowedNegRange {@code {low, high}} for negative pairs, or null
     * @param distance        the distance to compare with
     */
    public BatchEasyHardMiner(Strategy posStrategy, Strategy negStrategy, double[] allowedPosRange,
                              double[] allowedNegRange, Distance distance) {
        this.posStrategy = posStrategy;
        this.negStrategy = negStrategy;
        this.allowedPosRange = allowedPosRange == null ? null : allowedPosRange.clone();
        this.allowedNegRange = allowedNegRange == null ? null : allowedNegRange.clone();
        this.distance = distance;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (posStrategy == null || negStrategy == null) {
            throw new PropertyException("", "posStrategy", "posStrategy and negStrategy must be one of HARD, SEMIHARD,"
                    + " EASY, ALL");
        }
        if (posStrategy == Strategy.SEMIHARD && negStrategy == Strategy.SEMIHARD) {
            throw new PropertyException("", "negStrategy", "posStrategy and negStrategy cannot both be SEMIHARD");
        }
        if (posStrategy == Strategy.SEMIHARD && negStrategy == Strategy.ALL
                || negStrategy == Strategy.SEMIHARD && posStrategy == Strategy.ALL) {
            throw new PropertyException("", "negStrategy", "SEMIHARD cannot be combined with ALL, found posStrategy="
                    + posStrategy + ", negStrategy=" + negStrategy);
        }
        checkRange("allowedPosRange", allowedPosRange);
        checkRange("allowedNegRange", allowedNegRange);
    }

    private static void checkRange(String field, double[] range) {
        if (range != null && (range.length != 2 || !(range[0] <= range[1]))) {
            throw new PropertyException("", field, field + " must be two values {low, high} with low <= high, found "
                    + java.util.Arrays.toString(range));
        }
    }

    /** The chosen pair of each anchor: its value (±infinity when there is none) and its column (-1: none). */
    private record Choice(double[] values, int[] columns) {
        boolean has(int row) {
            return columns[row] >= 0;
        }
    }

    @Override
    protected PairTuples fromMatrix(PairwiseMatrix m, int[] queryLabels, int[] referenceLabels) {
        Choice pos = null;
        Choice neg = null;
        if (posStrategy == Strategy.SEMIHARD) {
            neg = choose(m, queryLabels, referenceLabels, false, null);
            pos = choose(m, queryLabels, referenceLabels, true, neg.values);
        } else if (negStrategy == Strategy.SEMIHARD) {
            pos = choose(m, queryLabels, referenceLabels, true, null);
            neg = choose(m, queryLabels, referenceLabels, false, pos.values);
        } else {
            if (posStrategy != Strategy.ALL) {
                pos = choose(m, queryLabels, referenceLabels, true, null);
            }
            if (negStrategy != Strategy.ALL) {
                neg = choose(m, queryLabels, referenceLabels, false, null);
            }
        }
        PairTuples all = posStrategy == Strategy.ALL || negStrategy == Strategy.ALL
                ? PairTuples.where(queryLabels, referenceLabels, m.isSelf(), (a, p) -> true, (a, n) -> true) : null;
        IntList pa = new IntList();
        IntList p = new IntList();
        IntList na = new IntList();
        IntList n = new IntList();
        for (int i = 0; i < queryLabels.length; i++) {
            boolean keep = (pos == null || pos.has(i)) && (neg == null || neg.has(i));
            if (pos != null && (neg == null ? pos.has(i) : keep)) {
                pa.add(i);
                p.add(pos.columns[i]);
            }
            if (neg != null && (pos == null ? neg.has(i) : keep)) {
                na.add(i);
                n.add(neg.columns[i]);
            }
        }
        return new PairTuples(pos == null ? all.posAnchors() : pa.toArray(), pos == null ? all.positives()
                : p.toArray(), neg == null ? all.negAnchors() : na.toArray(), neg == null ? all.negatives()
                : n.toArray());
    }

    /**
     * PML's {@code get_x_per_row}: per anchor, the smallest or largest matrix value among its positive (or
     * negative) pairs, after dropping pairs outside the allowed range and, for a semihard side, pairs on the wrong
     * side of the other side's choice ({@code thresholds}).
     */
    private Choice choose(PairwiseMatrix m, int[] queryLabels, int[] referenceLabels, boolean positives,
                          double[] thresholds) {
        Strategy strategy = positives ? posStrategy : negStrategy;
        boolean easy = strategy == Strategy.EASY;
        // For a distance: easy positives and hard (or semihard) negatives are the smallest values.
        boolean smallest = (positives == easy) != distance.isInverted();
        double[] range = positives ? allowedPosRange : allowedNegRange;
        int rows = queryLabels.length;
        double[] values = new double[rows];
        int[] columns = new int[rows];
        for (int i = 0; i < rows; i++) {
            double best = smallest ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            int bestColumn = -1;
            for (int j = 0; j < referenceLabels.length; j++) {
                if (m.isSelf() && i == j || (referenceLabels[j] == queryLabels[i]) != positives) {
                    continue;
                }
                double v = m.get(i, j);
                if (thresholds != null && (smallest ? v <= thresholds[i] : v >= thresholds[i])
                        || range != null && (v > range[1] || v < range[0])) {
                    continue;
                }
                if (bestColumn < 0 || (smallest ? v < best : v > best)) {
                    best = v;
                    bestColumn = j;
                }
            }
            values[i] = best;
            columns[i] = bestColumn;
        }
        return new Choice(values, columns);
    }

    @Override
    public String toString() {
        return "BatchEasyHardMiner(posStrategy=" + posStrategy + ", negStrategy=" + negStrategy + ", distance="
                + distance + ")";
    }
}
