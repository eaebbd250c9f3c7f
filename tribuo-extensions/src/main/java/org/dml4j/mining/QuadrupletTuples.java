package org.dml4j.mining;

import java.util.Arrays;

/**
 * Quadruplets {@code (a, p, n, k)} for the quadruplet loss (Chen et al. 2017): {@code (a, p, n)} is a triplet and
 * {@code (n, k)} is a negative pair that shares no sample and no label with the anchor ({@code y_k != y_a},
 * {@code y_k != y_n}).
 *
 * @param anchors         the anchor of each quadruplet
 * @param positives       the positive
 * @param negatives       the negative of the triplet term
 * @param secondNegatives the second negative, paired with {@code negatives} in the second term
 */
public record QuadrupletTuples(int[] anchors, int[] positives, int[] negatives, int[] secondNegatives)
        implements IndexTuples {

    /**
     * Validates the lengths.
     *
     * @param anchors         the anchor of each quadruplet
     * @param positives       the positive
     * @param negatives       the negative of the triplet term
     * @param secondNegatives the second negative
     */
    public QuadrupletTuples {
        if (anchors.length != positives.length || anchors.length != negatives.length
                || anchors.length != secondNegatives.length) {
            throw new IllegalArgumentException("quadruplet index lists differ in length");
        }
    }

    @Override
    public int size() {
        return anchors.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuadrupletTuples other && Arrays.equals(anchors, other.anchors)
                && Arrays.equals(positives, other.positives) && Arrays.equals(negatives, other.negatives)
                && Arrays.equals(secondNegatives, other.secondNegatives);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new int[]{Arrays.hashCode(anchors), Arrays.hashCode(positives),
                Arrays.hashCode(negatives), Arrays.hashCode(secondNegatives)});
    }

    @Override
    public String toString() {
        return "QuadrupletTuples(" + size() + ")";
    }
}
