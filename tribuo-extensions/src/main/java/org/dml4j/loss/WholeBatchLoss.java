package org.dml4j.loss;

import org.dml4j.distance.Distance;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.mining.IndexTuples;
import org.dml4j.reduce.Reducer;

/**
 * The losses that rank the whole batch (PNP, ranked list, Smooth-AP): as in PML they take no mined tuples and no
 * reference set, only the batch's matrix against itself.
 */
abstract class WholeBatchLoss extends BatchOnlyLoss {

    /**
     * @param distance the default distance
     * @param reducer  the default reducer
     */
    protected WholeBatchLoss(Distance distance, Reducer reducer) {
        super(distance, reducer);
    }

    /** @return false: the loss ranks the whole batch */
    @Override
    public final boolean acceptsTuples() {
        return false;
    }

    @Override
    protected final double compute(PairwiseMatrix m, int[] labels, int[] referenceLabels, IndexTuples tuples,
                                   double[] gradient) {
        if (tuples != null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " ranks the whole batch and takes no"
                    + " mined tuples (as in PML); train it without a miner");
        }
        return rank(m, labels, gradient);
    }

    /**
     * Computes the loss from the batch's matrix against itself.
     *
     * @param m        the B × B matrix
     * @param labels   the B labels
     * @param gradient output: dL/dM, row-major B × B
     * @return the loss value
     */
    protected abstract double rank(PairwiseMatrix m, int[] labels, double[] gradient);
}
