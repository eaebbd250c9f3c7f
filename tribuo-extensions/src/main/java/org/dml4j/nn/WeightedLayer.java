package org.dml4j.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A layer whose parameters are a {@code weight} and a {@code bias} ({@link Dense}, {@link Conv2d} and the affine part of
 * {@link BatchNorm1d}), with their latest gradients.
 */
abstract class WeightedLayer implements Layer {

    private final INDArray weight;
    private final INDArray bias;
    private Map<String, INDArray> gradients = Map.of();

    /**
     * Holds the two parameter arrays (not copied).
     *
     * @param weight the weight
     * @param bias   the bias
     */
    protected WeightedLayer(INDArray weight, INDArray bias) {
        this.weight = weight;
        this.bias = bias;
    }

    /** @return the live weight */
    protected final INDArray weight() {
        return weight;
    }

    /** @return the live bias */
    protected final INDArray bias() {
        return bias;
    }

    /**
     * Replaces the gradients.
     *
     * @param weightGradient dL/d(weight)
     * @param biasGradient   dL/d(bias)
     */
    protected final void setGradients(INDArray weightGradient, INDArray biasGradient) {
        gradients = named(weightGradient, biasGradient);
    }

    @Override
    public final Map<String, INDArray> parameters() {
        return named(weight, bias);
    }

    @Override
    public final Map<String, INDArray> gradients() {
        return gradients;
    }

    private static Map<String, INDArray> named(INDArray w, INDArray b) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put("weight", w);
        m.put("bias", b);
        return m;
    }
}
