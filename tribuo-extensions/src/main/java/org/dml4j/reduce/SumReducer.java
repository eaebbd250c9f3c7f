package org.dml4j.reduce;

/** The sum of all terms. */
public final class SumReducer extends AbstractReducer {

    /** Creates the reducer. */
    public SumReducer() {
    }

    @Override
    public double reduce(LossTerms terms, double[] weights) {
        return weightedSum(terms.values(), weights, v -> true, 1.0);
    }
}
