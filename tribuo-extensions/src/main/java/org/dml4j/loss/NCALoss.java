package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import org.dml4j.distance.Distance;
import org.dml4j.distance.LpDistance;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.mining.IndexTuples;
import org.dml4j.reduce.MeanReducer;
import org.dml4j.reduce.Reducer;

/**
 * Neighbourhood components analysis (Goldberger et al. 2004), PML's {@code NCALoss}: per example
 * {@code -log Σ_{j same label} softmax_{j != i}(-scale · D_ij²)}, mean over the examples that have a same-label
 * neighbour. Examples with none are dropped; a batch where none has one gives 0 (PML gives NaN).
 */
public final class NCALoss extends TupleLoss {

    /** PML's default softmax scale. */
    public static final double DEFAULT_SOFTMAX_SCALE = 1.0;

    @Config(description = "The scale of the softmax logits (PML default " + DEFAULT_SOFTMAX_SCALE + ").")
    private double softmaxScale = DEFAULT_SOFTMAX_SCALE;

    /** Creates the loss with PML's defaults (scale 1, squared Euclidean distance on normalized embeddings). */
    public NCALoss() {
        super(new LpDistance(true, 2), new MeanReducer());
    }

    /**
     * Creates the loss.
     *
     * @param softmaxScale the scale of the logits
     * @param distance     the distance
     * @param reducer      the reducer over examples
     */
    public NCALoss(double softmaxScale, Distance distance, Reducer reducer) {
        super(distance, reducer);
        this.softmaxScale = softmaxScale;
    }

    @Override
    protected double compute(PairwiseMatrix m, int[] labels, int[] referenceLabels, IndexTuples tuples,
                             double[] gradient) {
        if (labels.length <= 1) {
            return 0;
        }
        return NcaTerms.compute(m, labels, referenceLabels, softmaxScale,
                MinerWeights.of(tuples, labels.length, !m.isSelf()), reducer, gradient);
    }

    @Override
    public String toString() {
        return "NCALoss(softmaxScale=" + softmaxScale + ", distance=" + distance + ", reducer=" + reducer + ")";
    }
}
