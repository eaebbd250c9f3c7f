package org.dml4j.reduce;

/**
 * The mean of all terms, zeros included (PML's {@code MeanReducer}). With no terms the value is 0 (PML returns
 * NaN there; a zero loss with a zero gradient keeps training going).
 */
public final class MeanReducer extends AbstractReducer {

    /** Creates the reducer. */
    public MeanReducer() {
    }

    @Override
    public double reduce(LossTerms terms, double[] weights) {
        int n = terms.size();
        return n == 0 ? 0 : weightedSum(terms.values(), weights, v -> true, 1.0 / n);
    }
}
