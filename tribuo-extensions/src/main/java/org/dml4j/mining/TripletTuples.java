package org.dml4j.mining;

import java.util.Arrays;

/**
 * Triplets {@code (anchors[k], positives[k], negatives[k])}: the positive shares the anchor's label, the negative
 * does not.
 *
 * @param anchors   the anchor of each triplet
 * @param positives the positive of each triplet
 * @param negatives the negative of each triplet
 */
public record TripletTuples(int[] anchors, int[] positives, int[] negatives) implements IndexTuples {

    /**
     * Validates the lengths.
     *
     * @param anchors   the anchor of each triplet
     * @param positives the positive of each triplet
     * @param negatives the negative of each triplet
     */
    public TripletTuples {
        if (anchors.length != positives.length || anchors.length != negatives.length) {
            throw new IllegalArgumentException("triplet index lists differ in length: " + anchors.length + "/"
                    + positives.length + "/" + negatives.length);
        }
    }

    /**
     * Every triplet {@code (a, p, n)} with {@code a != p}, {@code y_a == y_p} and {@code y_n != y_a}, in
     * lexicographic order.
     *
     * @param labels the batch labels
     * @return all triplets
     */
    public static TripletTuples all(int[] labels) {
        return where(labels, (a, p, n) -> true);
    }

    /**
     * Every triplet of a query row {@code a} and reference rows {@code p}, {@code n} with {@code y_a == y_p} and
     * {@code y_n != y_a}, in lexicographic order; as PML's {@code get_all_triplets_indices(labels, ref_labels)}, a
     * reference that is a copy of its anchor is a positive.
     *
     * @param queryLabels     the labels of the query rows (the anchors)
     * @param referenceLabels the labels of the reference rows
     * @return all triplets
     */
    public static TripletTuples all(int[] queryLabels, int[] referenceLabels) {
        return where(queryLabels, referenceLabels, false, (a, p, n) -> true);
    }

    /** A condition on a triplet of batch rows. */
    @FunctionalInterface
    public interface Condition {
        /**
         * @param anchor   the anchor row
         * @param positive the positive row
         * @param negative the negative row
         * @return whether to keep the triplet
         */
        boolean test(int anchor, int positive, int negative);
    }

    /**
     * The triplets {@code (a, p, n)} ({@code a != p}, {@code y_a == y_p}, {@code y_n != y_a}) that satisfy a
     * condition, in lexicographic order, enumerated without materializing all of them.
     *
     * @param labels    the batch labels
     * @param condition which triplets to keep
     * @return the triplets kept
     */
    public static TripletTuples where(int[] labels, Condition condition) {
        return where(labels, labels, true, condition);
    }

    /**
     * The triplets of a query row {@code a} and reference rows {@code p}, {@code n} ({@code y_a == y_p},
     * {@code y_n != y_a}) that satisfy a condition, in lexicographic order; {@code self}: the two sets are the same
     * rows, and {@code p == a} is left out.
     *
     * @param queryLabels     the labels of the query rows (the anchors)
     * @param referenceLabels the labels of the reference rows
     * @param self            whether queries and references are the same rows
     * @param condition       which triplets to keep
     * @return the triplets kept
     */
    public static TripletTuples where(int[] queryLabels, int[] referenceLabels, boolean self, Condition condition) {
        IntList a = new IntList();
        IntList p = new IntList();
        IntList n = new IntList();
        for (int i = 0; i < queryLabels.length; i++) {
            for (int j = 0; j < referenceLabels.length; j++) {
                if (self && j == i || referenceLabels[j] != queryLabels[i]) {
                    continue;
                }
                for (int k = 0; k < referenceLabels.length; k++) {
                    if (referenceLabels[k] != queryLabels[i] && condition.test(i, j, k)) {
                        a.add(i);
                        p.add(j);
                        n.add(k);
                    }
                }
            }
        }
        return new TripletTuples(a.toArray(), p.toArray(), n.toArray());
    }

    /**
     * Converts mined tuples to triplets as PML does: all triplets when {@code tuples} is null; pairs give every
     * combination of a positive pair and a negative pair with the same anchor; a quadruplet gives its triplet.
     *
     * @param tuples the mined tuples, or null
     * @param labels the batch labels
     * @return the triplets
     */
    public static TripletTuples from(IndexTuples tuples, int[] labels) {
        if (tuples == null) {
            return all(labels);
        }
        if (tuples instanceof TripletTuples triplets) {
            return triplets;
        }
        if (tuples instanceof QuadrupletTuples quads) {
            return new TripletTuples(quads.anchors(), quads.positives(), quads.negatives());
        }
        PairTuples pairs = (PairTuples) tuples;
        IntList a = new IntList();
        IntList p = new IntList();
        IntList n = new IntList();
        for (int i = 0; i < pairs.numPositive(); i++) {
            for (int j = 0; j < pairs.numNegative(); j++) {
                if (pairs.posAnchors()[i] == pairs.negAnchors()[j]) {
                    a.add(pairs.posAnchors()[i]);
                    p.add(pairs.positives()[i]);
                    n.add(pairs.negatives()[j]);
                }
            }
        }
        return new TripletTuples(a.toArray(), p.toArray(), n.toArray());
    }

    @Override
    public int size() {
        return anchors.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TripletTuples other && Arrays.equals(anchors, other.anchors)
                && Arrays.equals(positives, other.positives) && Arrays.equals(negatives, other.negatives);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new int[]{Arrays.hashCode(anchors), Arrays.hashCode(positives),
                Arrays.hashCode(negatives)});
    }

    @Override
    public String toString() {
        return "TripletTuples(" + size() + ")";
    }
}
