package org.dml4j.reduce;

import java.util.Arrays;

/**
 * The sum of the terms divided by the divisor the loss supplies ({@link LossTerms#divisor()}), 0 when the divisor
 * is 0 (PML's {@code DivisorReducer}, the default of ProxyAnchor and Margin losses). A loss that supplies no divisor
 * is divided by its number of terms.
 */
public final class DivisorReducer extends AbstractReducer {

    /** Creates the reducer. */
    public DivisorReducer() {
    }

    @Override
    public double reduce(LossTerms terms, double[] weights) {
        double divisor = Double.isNaN(terms.divisor()) ? terms.size() : terms.divisor();
        if (divisor == 0) {
            Arrays.fill(weights, 0);
            return 0;
        }
        return weightedSum(terms.values(), weights, v -> true, 1.0 / divisor);
    }
}
