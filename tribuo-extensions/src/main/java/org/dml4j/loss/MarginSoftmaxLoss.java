package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.reduce.MeanReducer;

/**
 * The skeleton of the margin-based softmax losses (PML's {@code LargeMarginSoftmaxLoss} family: L-Softmax,
 * SphereFace, ArcFace, CosFace, SubCenterArcFace): cross-entropy over the logits {@code s · a_i · b_c · f_ic}, where
 * {@code f_ic} is the cosine between embedding i and the weight vector of class c, with the target class's cosine
 * replaced by a penalized value ({@link #targetLogit}); {@code a_i = ||x_i||} for the losses that scale by the raw
 * embedding norm ({@link #scalesByEmbeddingNorm()}) and {@code b_c = ||w_c||} for those that scale by the raw weight
 * norm ({@link #scalesByWeightNorm()}), else 1. With K sub-centers per class ({@link #vectorsPerClass()}) the
 * cosine of a class is the largest of its sub-centers'. Mean over examples, each weighted by its miner weight.
 */
public abstract class MarginSoftmaxLoss extends ClassParameterLoss {

    /** The scale s applied to every logit. */
    @Config(description = "The scale s applied to every logit.")
    protected double scale;

    /**
     * Uses cosine similarity and a mean over examples, as PML.
     *
     * @param defaultScale the loss's default scale (PML: 64 for ArcFace and CosFace, 1 for L-Softmax and SphereFace)
     */
    protected MarginSoftmaxLoss(double defaultScale) {
        super(new CosineSimilarity(), new MeanReducer());
        this.scale = defaultScale;
    }

    @Override
    public void postConfig() {
        super.postConfig();
        if (!(scale > 0)) {
            throw new PropertyException("", "scale", getClass().getSimpleName() + " needs a scale > 0, found " + scale);
        }
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

    /** @return whether the logits of example i scale with its raw norm {@code ||x_i||} (default false) */
    protected boolean scalesByEmbeddingNorm() {
        return false;
    }

    /** @return whether the logits of class c scale with the raw norm {@code ||w_c||} of its weights (default false) */
    protected boolean scalesByWeightNorm() {
        return false;
    }

    @Override
    protected double compute(PairwiseMatrix m, int[] labels, double[] minerWeights, double[] gradient) {
        if (scalesByEmbeddingNorm() || scalesByWeightNorm()) {
            throw new IllegalStateException(getClass().getSimpleName() + " needs the norms of its inputs");
        }
        return compute(m, null, labels, minerWeights, gradient);
    }

    @Override
    final double compute(PairwiseMatrix m, InputNorms norms, int[] labels, double[] minerWeights,
                         double[] gradient) {
        int size = labels.length;
        int cols = m.cols();
        int[][] column = new int[size][numClasses];
        double[][] unscaled = new double[size][numClasses];
        double[][] logits = new double[size][numClasses];
        for (int i = 0; i < size; i++) {
            for (int c = 0; c < numClasses; c++) {
                column[i][c] = closestSubCenter(m, i, c);
                double cosine = m.get(i, column[i][c]);
                unscaled[i][c] = c == labels[i] ? targetLogit(cosine) : cosine;
                logits[i][c] = scale * embeddingNorm(norms, i) * weightNorm(norms, column[i][c]) * unscaled[i][c];
            }
        }
        double[][] dLogits = new double[size][numClasses];
        double value = SoftmaxCrossEntropy.reduce(logits, numClasses, labels, labels, minerWeights, reducer, dLogits);
        for (int i = 0; i < size; i++) {
            double a = embeddingNorm(norms, i);
            for (int c = 0; c < numClasses; c++) {
                int col = column[i][c];
                double g = dLogits[i][c] * scale;
                double b = weightNorm(norms, col);
                gradient[i * cols + col] += g * a * b * (c == labels[i] ? targetLogitGradient(m.get(i, col)) : 1);
                if (scalesByEmbeddingNorm()) {
                    norms.addEmbeddingGradient(i, g * b * unscaled[i][c]);
                }
                if (scalesByWeightNorm()) {
                    norms.addVectorGradient(col, g * a * unscaled[i][c]);
                }
            }
        }
        return value;
    }

    /** The column of class c's sub-center with the largest value in row i (the first one on ties, as PyTorch). */
    int closestSubCenter(PairwiseMatrix m, int i, int c) {
        int k = vectorsPerClass();
        int best = c * k;
        for (int j = best + 1; j < (c + 1) * k; j++) {
            if (m.get(i, j) > m.get(i, best)) {
                best = j;
            }
        }
        return best;
    }

    private double embeddingNorm(InputNorms norms, int i) {
        return scalesByEmbeddingNorm() ? norms.embedding(i) : 1;
    }

    private double weightNorm(InputNorms norms, int column) {
        return scalesByWeightNorm() ? norms.vector(column) : 1;
    }
}
