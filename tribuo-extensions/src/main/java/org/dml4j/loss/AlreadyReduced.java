package org.dml4j.loss;

import org.dml4j.reduce.LossTerms;
import org.dml4j.reduce.Reducer;

/**
 * A loss value that already stands for the whole batch (PML's {@code "already_reduced"}), which PML's reducers pass
 * through: here the reducer sees it as one term.
 */
final class AlreadyReduced {

    private AlreadyReduced() {
    }

    /**
     * @param reducer   the loss's reducer
     * @param value     the batch's value
     * @param batchSize the number of rows
     * @return {@code {reduced value, d reduced / d value}}
     */
    static double[] reduce(Reducer reducer, double value, int batchSize) {
        double[] weight = new double[1];
        double reduced = reducer.reduce(LossTerms.of(new double[]{value}, new int[]{0}, batchSize), weight);
        return new double[]{reduced, weight[0]};
    }
}
