package org.dml4j.mining;

import java.util.Arrays;

/**
 * Positive pairs {@code (posAnchors[k], positives[k])} and negative pairs {@code (negAnchors[k], negatives[k])}.
 *
 * @param posAnchors the anchor of each positive pair
 * @param positives  the positive of each positive pair
 * @param negAnchors the anchor of each negative pair
 * @param negatives  the negative of each negative pair
 */
public record PairTuples(int[] posAnchors, int[] positives, int[] negAnchors, int[] negatives)
        implements IndexTuples {

    /**
     * Validates the lengths.
     *
     * @param posAnchors the anchor of each positive pair
     * @param positives  the positive of each positive pair
     * @param negAnchors the anchor of each negative pair
     * @param negatives  the negative of each negative pair
     */
    public PairTuples {
        if (posAnchors.length != positives.length || negAnchors.length != negatives.length) {
            throw new IllegalArgumentException("pair index lists differ in length: " + posAnchors.length + "/"
                    + positives.length + " positive, " + negAnchors.length + "/" + negatives.length + " negative");
        }
    }

    /**
     * Every ordered pair {@code (i, j)}, {@code i != j}: positive when the labels agree, negative otherwise, in
     * row-major order.
     *
     * @param labels the batch labels
     * @return all pairs
     */
    public static PairTuples all(int[] labels) {
        return all(labels, labels, true);
    }

    /**
     * Every pair of a query row {@code i} and a reference row {@code j}: positive when the labels agree, negative
     * otherwise, in row-major order. No pair is left out, as PML's {@code get_all_pairs_indices(labels, ref_labels)}
     * with a reference set: a reference that is a copy of its query is a positive pair.
     *
     * @param queryLabels     the labels of the query rows (the anchors)
     * @param referenceLabels the labels of the reference rows
     * @return all pairs
     */
    public static PairTuples all(int[] queryLabels, int[] referenceLabels) {
        return all(queryLabels, referenceLabels, false);
    }

    private static PairTuples all(int[] queryLabels, int[] referenceLabels, boolean self) {
        long positive = 0;
        for (int i = 0; i < queryLabels.length; i++) {
            for (int j = 0; j < referenceLabels.length; j++) {
                if (!(self && i == j) && queryLabels[i] == referenceLabels[j]) {
                    positive++;
                }
            }
        }
        long pairs = (long) queryLabels.length * referenceLabels.length - (self ? queryLabels.length : 0);
        int[] posAnchors = new int[Math.toIntExact(positive)];
        int[] positives = new int[posAnchors.length];
        int[] negAnchors = new int[Math.toIntExact(pairs - positive)];
        int[] negatives = new int[negAnchors.length];
        int p = 0;
        int n = 0;
        for (int i = 0; i < queryLabels.length; i++) {
            for (int j = 0; j < referenceLabels.length; j++) {
                if (self && i == j) {
                    continue;
                }
                if (queryLabels[i] == referenceLabels[j]) {
                    posAnchors[p] = i;
                    positives[p++] = j;
                } else {
                    negAnchors[n] = i;
                    negatives[n++] = j;
                }
            }
        }
        return new PairTuples(posAnchors, positives, negAnchors, negatives);
    }

    /** A condition on an ordered pair of batch rows. */
    @FunctionalInterface
    public interface Condition {
        /**
         * @param anchor the anchor row
         * @param other  the other row
         * @return whether to keep the pair
         */
        boolean test(int anchor, int other);
    }

    /**
     * The ordered pairs {@code (i, j)}, {@code i != j}, that satisfy a condition: positive pairs (same label) that
     * satisfy {@code keepPositive} and negative pairs that satisfy {@code keepNegative}, in row-major order.
     *
     * @param labels       the batch labels
     * @param keepPositive which positive pairs to keep
     * @param keepNegative which negative pairs to keep
     * @return the pairs kept
     */
    public static PairTuples where(int[] labels, Condition keepPositive, Condition keepNegative) {
        return where(labels, labels, true, keepPositive, keepNegative);
    }

    /**
     * The pairs of a query row {@code i} and a reference row {@code j} that satisfy a condition, in row-major order;
     * {@code self}: the two sets are the same rows, and {@code i == j} is left out.
     *
     * @param queryLabels     the labels of the query rows (the anchors)
     * @param referenceLabels the labels of the reference rows
     * @param self            whether queries and references are the same rows
     * @param keepPositive    which positive pairs (same label) to keep
     * @param keepNegative    which negative pairs to keep
     * @return the pairs kept
     */
    public static PairTuples where(int[] queryLabels, int[] referenceLabels, boolean self, Condition keepPositive,
                                   Condition keepNegative) {
        IntList pa = new IntList();
        IntList p = new IntList();
        IntList na = new IntList();
        IntList n = new IntList();
        for (int i = 0; i < queryLabels.length; i++) {
            for (int j = 0; j < referenceLabels.length; j++) {
                if (self && i == j) {
                    continue;
                }
                if (queryLabels[i] == referenceLabels[j]) {
                    if (keepPositive.test(i, j)) {
                        pa.add(i);
                        p.add(j);
                    }
                } else if (keepNegative.test(i, j)) {
                    na.add(i);
                    n.add(j);
                }
            }
        }
        return new PairTuples(pa.toArray(), p.toArray(), na.toArray(), n.toArray());
    }

    /**
     * Converts mined tuples to pairs as PML does: all pairs when {@code tuples} is null, a triplet {@code (a,p,n)}
     * gives the positive pair {@code (a,p)} and the negative pair {@code (a,n)}.
     *
     * @param tuples the mined tuples, or null
     * @param labels the batch labels
     * @return the pairs
     */
    public static PairTuples from(IndexTuples tuples, int[] labels) {
        if (tuples == null) {
            return all(labels);
        }
        if (tuples instanceof PairTuples pairs) {
            return pairs;
        }
        TripletTuples t = TripletTuples.from(tuples, labels);
        return new PairTuples(t.anchors(), t.positives(), t.anchors(), t.negatives());
    }

    /** @return the number of positive pairs */
    public int numPositive() {
        return posAnchors.length;
    }

    /** @return the number of negative pairs */
    public int numNegative() {
        return negAnchors.length;
    }

    /**
     * The pairs at the given positions, in that order (a position may repeat).
     *
     * @param positivePositions positions in the positive pair lists
     * @param negativePositions positions in the negative pair lists
     * @return the selected pairs
     */
    public PairTuples select(int[] positivePositions, int[] negativePositions) {
        return new PairTuples(at(posAnchors, positivePositions), at(positives, positivePositions),
                at(negAnchors, negativePositions), at(negatives, negativePositions));
    }

    private static int[] at(int[] values, int[] positions) {
        int[] out = new int[positions.length];
        for (int k = 0; k < positions.length; k++) {
            out[k] = values[positions[k]];
        }
        return out;
    }

    @Override
    public int size() {
        return posAnchors.length + negAnchors.length;
    }

    /**
     * PML's rule for pair losses: when every index list has at most one entry the loss is 0.
     *
     * @return true if every list has at most one entry
     */
    public boolean isDegenerate() {
        return posAnchors.length <= 1 && negAnchors.length <= 1;
    }

    /**
     * The positive pairs as a 0/1 mask (PML's matrix-based pair losses).
     *
     * @param rows the number of query rows
     * @param cols the number of reference rows (the batch size again without a reference set)
     * @return the row-major {@code rows × cols} mask
     */
    public boolean[] positiveMask(int rows, int cols) {
        return mask(posAnchors, positives, rows, cols);
    }

    /**
     * The negative pairs as a 0/1 mask.
     *
     * @param rows the number of query rows
     * @param cols the number of reference rows
     * @return the row-major {@code rows × cols} mask
     */
    public boolean[] negativeMask(int rows, int cols) {
        return mask(negAnchors, negatives, rows, cols);
    }

    private static boolean[] mask(int[] anchors, int[] others, int rows, int cols) {
        boolean[] mask = new boolean[rows * cols];
        for (int k = 0; k < anchors.length; k++) {
            mask[anchors[k] * cols + others[k]] = true;
        }
        return mask;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PairTuples other && Arrays.equals(posAnchors, other.posAnchors)
                && Arrays.equals(positives, other.positives) && Arrays.equals(negAnchors, other.negAnchors)
                && Arrays.equals(negatives, other.negatives);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new int[]{Arrays.hashCode(posAnchors), Arrays.hashCode(positives),
                Arrays.hashCode(negAnchors), Arrays.hashCode(negatives)});
    }

    @Override
    public String toString() {
        return "PairTuples(" + numPositive() + " positive, " + numNegative() + " negative)";
    }
}
