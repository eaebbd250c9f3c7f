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
        IntList a = new IntList();
        IntList p = new IntList();
        IntList n = new IntList();
        int size = labels.length;
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                if (j == i || labels[j] != labels[i]) {
                    continue;
                }
                for (int k = 0; k < size; k++) {
                    if (labels[k] != labels[i] && condition.test(i, j, k)) {
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
