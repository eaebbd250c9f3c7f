package org.dml4j.reduce;

/**
 * The unreduced terms of one loss (or one sub-loss): a value per term, the anchor (batch row) each term belongs to,
 * an optional divisor chosen by the loss for {@link DivisorReducer}, the sub-loss's name (PML's loss-dictionary key,
 * which {@link MultipleReducers} dispatches on) and, when the loss supplies them, the batch labels
 * ({@link ClassWeightedReducer} weighs each term by its anchor's class).
 *
 * @param values     the term values
 * @param anchors    the batch row of each term (same length as values)
 * @param numAnchors the batch size (anchors are in {@code [0, numAnchors)})
 * @param divisor    the loss's divisor for {@link DivisorReducer}, or {@code NaN} when the loss defines none
 * @param name       the sub-loss name ({@value #DEFAULT_NAME} for a loss with a single term list)
 * @param labels     the label of each batch row (indexed by anchor), or null when the loss does not supply them
 */
public record LossTerms(double[] values, int[] anchors, int numAnchors, double divisor, String name, int[] labels) {

    /** The name of the terms of a loss with a single term list, as PML's {@code "loss"} key. */
    public static final String DEFAULT_NAME = "loss";

    /**
     * Validates the lengths.
     *
     * @param values     the term values
     * @param anchors    the batch row of each term
     * @param numAnchors the batch size
     * @param divisor    the divisor or NaN
     * @param name       the sub-loss name
     * @param labels     the batch labels or null
     */
    public LossTerms {
        if (values.length != anchors.length) {
            throw new IllegalArgumentException(values.length + " loss terms but " + anchors.length + " anchors");
        }
    }

    /**
     * Terms without name or labels.
     *
     * @param values     the term values
     * @param anchors    the batch row of each term
     * @param numAnchors the batch size
     * @param divisor    the divisor or NaN
     */
    public LossTerms(double[] values, int[] anchors, int numAnchors, double divisor) {
        this(values, anchors, numAnchors, divisor, DEFAULT_NAME, null);
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
        return new LossTerms(values, anchors, numAnchors, newDivisor, name, labels);
    }

    /**
     * The same terms under a sub-loss name (PML's key, e.g. {@code "pos_loss"}).
     *
     * @param newName the name
     * @return the named terms
     */
    public LossTerms named(String newName) {
        return new LossTerms(values, anchors, numAnchors, divisor, newName, labels);
    }

    /**
     * The same terms with the batch labels, so that a reducer can weigh a term by its anchor's class.
     *
     * @param batchLabels the label of each batch row
     * @return the terms with labels
     */
    public LossTerms withLabels(int[] batchLabels) {
        return new LossTerms(values, anchors, numAnchors, divisor, name, batchLabels);
    }

    /** @return the number of terms */
    public int size() {
        return values.length;
    }
}
