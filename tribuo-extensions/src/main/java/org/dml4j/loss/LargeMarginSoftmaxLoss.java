package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.reduce.LossTerms;
import org.dml4j.reduce.MeanReducer;

/**
 * The skeleton of the margin-based softmax losses (ArcFace, CosFace): cross-entropy over the scaled cosines between
 * the embedding and each class weight vector, with the target class's cosine replaced by a penalized logit
 * ({@link #targetLogit}). Mean over examples, each weighted by its miner weight.
 */
public abstract class LargeMarginSoftmaxLoss extends ClassParameterLoss {

    /** The scale s applied to every logit. */
    /** PML's default logit scale s. */
    public static final double DEFAULT_SCALE = 64.0;

    /** The scale s applied to every logit. */
    @Config(description = "The scale s applied to every logit (PML default " + DEFAULT_SCALE + ").")
    protected double scale = DEFAULT_SCALE;

    /** Uses cosine similarity and a mean over examples, as PML. */
    protected LargeMarginSoftmaxLoss() {
        super(new CosineSimilarity(), new MeanReducer());
    }

    @Override
    public void postConfig() {
        super.postConfig();
        if (!distance.isInverted()) {
            throw new PropertyException("", "distance", getClass().getSimpleName()
                    + " needs a similarity (e.g. CosineSimilarity), found " + distance);
        }
    }

    @Override
    public String parameterName() {
        return "classWeights";
    }

    /**
     * The unscaled logit of the target class given its cosine.
     *
     * @param cosine the cosine between the embedding and its class's weight vector
     * @return the penalized logit
     */
    protected abstract double targetLogit(double cosine);

    /**
     * The derivative of {@link #targetLogit} with respect to the cosine.
     *
     * @param cosine the cosine
     * @return the derivative
     */
    protected abstract double targetLogitGradient(double cosine);

    @Override
    protected double compute(PairwiseMatrix m, int[] labels, double[] minerWeights, double[] gradient) {
        int size = labels.length;
        double[][] softmax = new double[size][numClasses];
        double[] terms = new double[size];
        for (int i = 0; i < size; i++) {
            double[] logits = new double[numClasses];
            for (int c = 0; c < numClasses; c++) {
                double cosine = m.get(i, c);
                logits[c] = scale * (c == labels[i] ? targetLogit(cosine) : cosine);
            }
            double logNormalizer = LossMath.logSumExp(logits, numClasses, false, softmax[i]);
            terms[i] = (logNormalizer - logits[labels[i]]) * minerWeights[i];
        }
        double[] weights = new double[size];
        double value = reduce(LossTerms.perElement(terms).withLabels(labels), weights);
        for (int i = 0; i < size; i++) {
            double w = weights[i] * minerWeights[i] * scale;
            for (int c = 0; c < numClasses; c++) {
                boolean target = c == labels[i];
                double dLogit = softmax[i][c] - (target ? 1 : 0);
                gradient[i * numClasses + c] += w * dLogit * (target ? targetLogitGradient(m.get(i, c)) : 1);
            }
        }
        return value;
    }
}
