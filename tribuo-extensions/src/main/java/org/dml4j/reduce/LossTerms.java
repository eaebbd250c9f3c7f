package org.dml4j.reduce;

/**
 * The unreduced terms of one loss (or one sub-loss): a value per term, the anchor (batch row) each term belongs to,
 * and an optional divisor chosen by the loss for {@link DivisorReducer}.
 *
 * @param values     the term values
 * @param anchors    the batch row of each term (same length as values)
 * @param numAnchors the batch size (anchors are in {@code [0, numAnchors)})
 * @param divisor    the loss's divisor for {@link DivisorReducer}, or {@code NaN} when the loss defines none
 */
public record LossTerms(double[] values, int[] anchors, int numAnchors, double divisor) {

    /**
     * Validates the lengths.
     *
     * @param values     the term values
     * @param anchors    the batch row of each term
     * @param numAnchors the batch size
     * @param divisor    the divisor or NaN
     */
    public LossTerms {
        if (values.length != anchors.length) {
            throw new IllegalArgumentException(values.length + " loss terms but " + anchors.length + " anchors");
        }
    }

    /**
     * Terms without a divisor.
     *
     * @param values     the term values
     * @param anchors    the batch row of each term
     * @param numAnchors the batch size
     * @return the terms
     */
    public static LossTerms of(double[] values, int[] anchors, int numAnchors) {
        return new LossTerms(values, anchors, numAnchors, Double.NaN);
    }

    /**
     * One term per batch row ("element" terms).
     *
     * @param values one value per batch row
     * @return the terms
     */
    public static LossTerms perElement(double[] values) {
        int[] anchors = new int[values.length];
        for (int i = 0; i < anchors.length; i++) {
            anchors[i] = i;
        }
        return of(values, anchors, values.length);
    }

    /**
     * The same terms with a divisor.
     *
     * @param newDivisor the divisor
     * @return the terms with that divisor
     */
    public LossTerms withDivisor(double newDivisor) {
        return new LossTerms(values, anchors, numAnchors, newDivisor);
    }

    /** @return the number of terms */
    public int size() {
        return values.length;
    }
}
