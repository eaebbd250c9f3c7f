package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.Distance;
import org.dml4j.distance.DotProductSimilarity;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.reduce.MeanReducer;
import org.dml4j.reduce.Reducer;

/**
 * The normalized softmax loss (Zhai and Wu 2019, "Classification is a Strong Baseline for Deep Metric Learning"),
 * PML's {@code NormalizedSoftmaxLoss}: cross-entropy over the logits {@code S(x_i, w_c) / temperature} between the
 * embedding and the normalized weight vector of each class ({@code -D / temperature} for a distance), mean over
 * examples, each weighted by its miner weight. PML's default similarity is the dot product of normalized vectors
 * (the cosine); PML always normalizes the class weights but the embeddings only when the distance does, so DML4J
 * takes only distances that normalize (with them both forms agree).
 */
public final class NormalizedSoftmaxLoss extends ClassParameterLoss {

    /** PML's default temperature. */
    public static final double DEFAULT_TEMPERATURE = 0.05;

    @Config(description = "The temperature dividing the logits (PML default " + DEFAULT_TEMPERATURE + ").")
    private double temperature = DEFAULT_TEMPERATURE;

    private NormalizedSoftmaxLoss() {
        super(new DotProductSimilarity(true), new MeanReducer());
    }

    /**
     * Creates the loss with PML's defaults (temperature 0.05, dot product of normalized vectors).
     *
     * @param numClasses    the number of classes
     * @param embeddingSize the embedding dimension
     */
    public NormalizedSoftmaxLoss(int numClasses, int embeddingSize) {
        this(numClasses, embeddingSize, DEFAULT_TEMPERATURE, new DotProductSimilarity(true), new MeanReducer());
    }

    /**
     * Creates the loss.
     *
     * @param numClasses    the number of classes
     * @param embeddingSize the embedding dimension
     * @param temperature   the temperature (> 0)
     * @param distance      a distance or similarity that normalizes the embeddings
     * @param reducer       the reducer over examples
     */
    public NormalizedSoftmaxLoss(int numClasses, int embeddingSize, double temperature, Distance distance,
                                 Reducer reducer) {
        super(distance, reducer);
        this.numClasses = numClasses;
        this.embeddingSize = embeddingSize;
        this.temperature = temperature;
        postConfig();
    }

    @Override
    public void postConfig() {
        super.postConfig();
        if (!(temperature > 0)) {
            throw new PropertyException("", "temperature", "NormalizedSoftmaxLoss needs a temperature > 0, found "
                    + temperature);
        }
        if (!distance.normalizesEmbeddings()) {
            throw new PropertyException("", "distance", "NormalizedSoftmaxLoss needs a distance that normalizes the "
                    + "embeddings (as PML normalizes the class weights), found " + distance);
        }
    }

    @Override
    public String parameterName() {
        return "classWeights";
    }

    @Override
    protected double compute(PairwiseMatrix m, int[] labels, double[] minerWeights, double[] gradient) {
        int size = labels.length;
        double sign = m.isInverted() ? 1 : -1;
        double[][] logits = new double[size][numClasses];
        for (int i = 0; i < size; i++) {
            for (int c = 0; c < numClasses; c++) {
                logits[i][c] = sign * (m.get(i, c) / temperature);
            }
        }
        double[][] dLogits = new double[size][numClasses];
        double value = SoftmaxCrossEntropy.reduce(logits, numClasses, labels, labels, minerWeights, reducer, dLogits);
        for (int i = 0; i < size; i++) {
            for (int c = 0; c < numClasses; c++) {
                gradient[i * numClasses + c] += dLogits[i][c] * sign / temperature;
            }
        }
        return value;
    }

    @Override
    public String toString() {
        return "NormalizedSoftmaxLoss(numClasses=" + numClasses + ", embeddingSize=" + embeddingSize
                + ", temperature=" + temperature + ", distance=" + distance + ", reducer=" + reducer + ")";
    }
}
