package org.dml4j.reduce;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;

import java.util.Arrays;

/**
 * The mean of the terms, each multiplied by the weight of its anchor's class (PML's {@code ClassWeightedReducer}:
 * {@code mean(losses * weights[labels[anchor]])}, the anchor being the first index of a pair or triplet). It needs
 * the batch labels, which a loss supplies with {@link LossTerms#withLabels}. With no terms the value is 0, as
 * {@link MeanReducer}.
 */
public final class ClassWeightedReducer extends AbstractReducer {

    @Config(mandatory = true, description = "The weight of each class, indexed by label.")
    private double[] weights;

    private ClassWeightedReducer() {
        // For OLCUT.
    }

    /**
     * Creates the reducer.
     *
     * @param weights the weight of each class, indexed by label
     */
    public ClassWeightedReducer(double[] weights) {
        this.weights = weights.clone();
        postConfig();
    }

    @Override
    public void postConfig() {
        if (weights == null || weights.length == 0) {
            throw new PropertyException("", "weights", "weights must hold one weight per class, found none");
        }
        for (int c = 0; c < weights.length; c++) {
            if (!Double.isFinite(weights[c])) {
                throw new PropertyException("", "weights", "weights must be finite, found " + weights[c]
                        + " for class " + c);
            }
        }
    }

    /** @return a copy of the class weights */
    public double[] weights() {
        return weights.clone();
    }

    @Override
    public double reduce(LossTerms terms, double[] termWeights) {
        int n = terms.size();
        if (n == 0) {
            return 0;
        }
        int[] labels = terms.labels();
        if (labels == null) {
            throw new IllegalStateException("ClassWeightedReducer needs the batch labels, but the loss's '"
                    + terms.name() + "' terms come without them; use it with a loss that supplies them");
        }
        double sum = 0;
        for (int k = 0; k < n; k++) {
            int anchor = terms.anchors()[k];
            if (anchor >= labels.length) {
                throw new IllegalArgumentException("term " + k + " has anchor " + anchor + " but only "
                        + labels.length + " labels were given");
            }
            int label = labels[anchor];
            if (label < 0 || label >= weights.length) {
                throw new IllegalArgumentException("label " + label + " has no class weight: ClassWeightedReducer "
                        + "has " + weights.length + " weights; give one weight per class");
            }
            termWeights[k] = weights[label] / n;
            sum += termWeights[k] * terms.values()[k];
        }
        return sum;
    }

    @Override
    public String toString() {
        return "ClassWeightedReducer(weights=" + Arrays.toString(weights) + ")";
    }
}
