package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import org.dml4j.distance.Distance;
import org.dml4j.reduce.Reducer;

/**
 * The pair losses configured by a positive and a negative margin on the distance (contrastive, lifted structure,
 * generalized lifted structure): PML's {@code pos_margin} and {@code neg_margin}, the OLCUT properties
 * {@code posMargin} and {@code negMargin}. ({@link IntraPairVarianceLoss} has the same shape under PML's other names,
 * {@code posEps} and {@code negEps}, and keeps its own fields so that its property names stay PML's.)
 */
abstract class PairMarginLoss extends TupleLoss {

    /** The positive margin. */
    @Config(description = "The positive margin (PML's pos_margin): a positive pair within it contributes nothing.")
    protected double posMargin;

    /** The negative margin. */
    @Config(description = "The negative margin (PML's neg_margin): a negative pair beyond it contributes nothing.")
    protected double negMargin;

    /**
     * @param posMargin the positive margin
     * @param negMargin the negative margin
     * @param distance  the distance
     * @param reducer   the reducer
     */
    protected PairMarginLoss(double posMargin, double negMargin, Distance distance, Reducer reducer) {
        super(distance, reducer);
        this.posMargin = posMargin;
        this.negMargin = negMargin;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(posMargin=" + posMargin + ", negMargin=" + negMargin + ", distance="
                + distance + ", reducer=" + reducer + ")";
    }
}
