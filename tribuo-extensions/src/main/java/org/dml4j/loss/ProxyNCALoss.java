package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import org.dml4j.distance.Distance;
import org.dml4j.distance.LpDistance;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.reduce.MeanReducer;
import org.dml4j.reduce.Reducer;

import java.util.stream.IntStream;

/**
 * ProxyNCA (Movshovitz-Attias et al. 2017), PML's {@code ProxyNCALoss}: NCA against one learned proxy per class,
 * {@code -log softmax_c(-scale · ||u_i - v_c||²)} at the example's class, mean over examples.
 */
public final class ProxyNCALoss extends ClassParameterLoss {

    /** PML's default softmax scale. */
    public static final double DEFAULT_SOFTMAX_SCALE = 1.0;

    @Config(description = "The scale of the softmax logits (PML default " + DEFAULT_SOFTMAX_SCALE + ").")
    private double softmaxScale = DEFAULT_SOFTMAX_SCALE;

    private ProxyNCALoss() {
        super(new LpDistance(true, 2), new MeanReducer());
    }

    /**
     * Creates the loss with PML's defaults (scale 1, squared Euclidean distance on normalized vectors).
     *
     * @param numClasses    the number of classes
     * @param embeddingSize the embedding dimension
     */
    public ProxyNCALoss(int numClasses, int embeddingSize) {
        this(numClasses, embeddingSize, DEFAULT_SOFTMAX_SCALE, new LpDistance(true, 2), new MeanReducer());
    }

    /**
     * Creates the loss.
     *
     * @param numClasses    the number of classes
     * @param embeddingSize the embedding dimension
     * @param softmaxScale  the scale of the logits
     * @param distance      the distance
     * @param reducer       the reducer over examples
     */
    public ProxyNCALoss(int numClasses, int embeddingSize, double softmaxScale, Distance distance, Reducer reducer) {
        super(distance, reducer);
        this.numClasses = numClasses;
        this.embeddingSize = embeddingSize;
        this.softmaxScale = softmaxScale;
        postConfig();
    }

    @Override
    public String parameterName() {
        return "proxies";
    }

    @Override
    protected double compute(PairwiseMatrix m, int[] labels, double[] minerWeights, double[] gradient) {
        int[] classes = IntStream.range(0, numClasses).toArray();
        return NcaTerms.compute(m, labels, classes, softmaxScale, minerWeights, reducer, gradient);
    }

    @Override
    public String toString() {
        return "ProxyNCALoss(numClasses=" + numClasses + ", embeddingSize=" + embeddingSize + ", softmaxScale="
                + softmaxScale + ", distance=" + distance + ", reducer=" + reducer + ")";
    }
}
