package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.PairTuples;
import org.dml4j.reduce.MeanReducer;

/**
 * The threshold-consistent margin loss (Zhang et al., "Threshold-Consistent Margin Loss for Open-World Deep Metric
 * Learning", 2023, arXiv:2307.04047), PML's {@code ThresholdConsistentMarginLoss}, a regularizer usually added to
 * another loss (see {@link MultipleLosses}): {@code λ+ · mean(m+ - S_ap)} over the positive pairs with
 * {@code S_ap <= m+} plus {@code λ- · mean(S_an - m-)} over the negative pairs with {@code S_an >= m-} (each part 0
 * when no pair qualifies), on the cosine similarity, over all pairs of the batch unless a miner chose some.
 * <p>
 * As in PML the loss reduces itself, so the reducer stays the mean and has no effect. It takes no reference set:
 * PML's version indexes the batch with the reference indices there, which is not a comparison with the reference
 * set.
 */
public final class ThresholdConsistentMarginLoss extends TupleLoss {

    /** PML's default weight of the positive part. */
    public static final double DEFAULT_LAMBDA_PLUS = 1.0;

    @Config(description = "The weight λ+ of the positive part (PML default " + DEFAULT_LAMBDA_PLUS + ").")
    private double lambdaPlus = DEFAULT_LAMBDA_PLUS;

    /** PML's default weight of the negative part. */
    public static final double DEFAULT_LAMBDA_MINUS = 1.0;

    @Config(description = "The weight λ- of the negative part (PML default " + DEFAULT_LAMBDA_MINUS + ").")
    private double lambdaMinus = DEFAULT_LAMBDA_MINUS;

    /** PML's default positive margin. */
    public static final double DEFAULT_MARGIN_PLUS = 0.9;

    @Config(description = "Positive pairs with a cosine up to this are penalized (PML default "
            + DEFAULT_MARGIN_PLUS + ").")
    private double marginPlus = DEFAULT_MARGIN_PLUS;

    /** PML's default negative margin. */
    public static final double DEFAULT_MARGIN_MINUS = 0.5;

    @Config(description = "Negative pairs with a cosine from this up are penalized (PML default "
            + DEFAULT_MARGIN_MINUS + ").")
    private double marginMinus = DEFAULT_MARGIN_MINUS;

    /** Creates the loss with PML's defaults: λ+ = λ- = 1, m+ = 0.9, m- = 0.5. */
    public ThresholdConsistentMarginLoss() {
        super(new CosineSimilarity(), new MeanReducer());
    }

    /**
     * Creates the loss.
     *
     * @param lambdaPlus  the weight of the positive part
     * @param lambdaMinus the weight of the negative part
     * @param marginPlus  the positive margin m+
     * @param marginMinus the negative margin m-
     */
    public ThresholdConsistentMarginLoss(double lambdaPlus, double lambdaMinus, double marginPlus,
                                         double marginMinus) {
        this();
        this.lambdaPlus = lambdaPlus;
        this.lambdaMinus = lambdaMinus;
        this.marginPlus = marginPlus;
        this.marginMinus = marginMinus;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (!(distance instanceof CosineSimilarity)) {
            throw new PropertyException("", "distance", "ThresholdConsistentMarginLoss needs CosineSimilarity, found "
                    + distance);
        }
        requireMeanReducer();
        for (double v : new double[]{lambdaPlus, lambdaMinus, marginPlus, marginMinus}) {
            if (!Double.isFinite(v)) {
                throw new PropertyException("", "lambdaPlus", "lambdaPlus, lambdaMinus, marginPlus and marginMinus"
                        + " must be finite, found " + lambdaPlus + ", " + lambdaMinus + ", " + marginPlus + ", "
                        + marginMinus);
            }
        }
    }

    /** @return false: PML's version does not compare with a reference set (see the class documentation) */
    @Override
    public boolean acceptsReferences() {
        return false;
    }

    @Override
    protected double compute(PairwiseMatrix m, int[] labels, int[] referenceLabels, IndexTuples tuples,
                             double[] gradient) {
        PairTuples pairs = pairs(tuples, m, labels, referenceLabels);
        return part(m, pairs.posAnchors(), pairs.positives(), -1, marginPlus, lambdaPlus, gradient)
                + part(m, pairs.negAnchors(), pairs.negatives(), 1, marginMinus, lambdaMinus, gradient);
    }

    /**
     * {@code λ · mean(sign (S - margin))} over the pairs where that is {@code >= 0}, and its gradient.
     *
     * @param sign -1 for the positive part ({@code m+ - S}), +1 for the negative part ({@code S - m-})
     */
    private static double part(PairwiseMatrix m, int[] anchors, int[] others, double sign, double margin,
                               double lambda, double[] gradient) {
        int count = 0;
        double sum = 0;
        for (int k = 0; k < anchors.length; k++) {
            double excess = sign * (m.get(anchors[k], others[k]) - margin);
            if (excess >= 0) {
                count++;
                sum += excess;
            }
        }
        if (count == 0) {
            return 0;
        }
        double g = lambda * sign / count;
        for (int k = 0; k < anchors.length; k++) {
            if (sign * (m.get(anchors[k], others[k]) - margin) >= 0) {
                gradient[anchors[k] * m.cols() + others[k]] += g;
            }
        }
        return lambda * sum / count;
    }

    @Override
    public String toString() {
        return "ThresholdConsistentMarginLoss(lambdaPlus=" + lambdaPlus + ", lambdaMinus=" + lambdaMinus
                + ", marginPlus=" + marginPlus + ", marginMinus=" + marginMinus + ")";
    }
}
