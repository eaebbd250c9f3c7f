package org.dml4j.loss;

import org.dml4j.distance.Distance;
import org.dml4j.reduce.Reducer;

/**
 * What the ranking and histogram losses share: as in PML they compare the batch with itself only (no reference
 * set), and several return one value for the whole batch (PML's {@code "already_reduced"}).
 */
abstract class BatchOnlyLoss extends TupleLoss {

    /**
     * @param distance the default distance
     * @param reducer  the default reducer
     */
    protected BatchOnlyLoss(Distance distance, Reducer reducer) {
        super(distance, reducer);
    }

    /** @return false: PML's loss rejects {@code ref_emb} */
    @Override
    public final boolean acceptsReferences() {
        return false;
    }

    /**
     * Reduces a value that already stands for the whole batch ({@link AlreadyReduced}).
     *
     * @param value     the batch's value
     * @param batchSize the number of rows
     * @return {@code {reduced value, d reduced / d value}}
     */
    protected final double[] reduceWhole(double value, int batchSize) {
        return AlreadyReduced.reduce(reducer, value, batchSize);
    }
}
