package org.dml4j.reduce;

import java.util.Arrays;

/**
 * The mean of the strictly positive terms, 0 if there is none (PML's {@code AvgNonZeroReducer}, the default of
 * contrastive, triplet, SupCon and Circle losses): easy tuples with zero loss do not dilute the average.
 */
public final class AvgNonZeroReducer extends AbstractReducer {

    /** Creates the reducer. */
    public AvgNonZeroReducer() {
    }

    @Override
    public double reduce(LossTerms terms, double[] weights) {
        int positive = 0;
        for (double v : terms.values()) {
            if (v > 0) {
                positive++;
            }
        }
        if (positive == 0) {
            Arrays.fill(weights, 0);
            return 0;
        }
        return weightedSum(terms.values(), weights, v -> v > 0, 1.0 / positive);
    }
}
