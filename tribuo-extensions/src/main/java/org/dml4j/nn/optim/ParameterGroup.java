package org.dml4j.nn.optim;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * Parameters stepped together with their own learning-rate multiplier, as a PyTorch parameter group: the network's
 * weights with 1, a loss's proxies with e.g. 100.
 *
 * @param parameters             the parameters by name (names unique across the groups of one updater)
 * @param gradients              their gradients, by the same names
 * @param learningRateMultiplier the factor applied to the scheduled learning rate, {@code > 0}
 */
public record ParameterGroup(Map<String, INDArray> parameters, Map<String, INDArray> gradients,
                             double learningRateMultiplier) {

    /**
     * Checks the multiplier.
     *
     * @param parameters             the parameters
     * @param gradients              the gradients
     * @param learningRateMultiplier the multiplier
     */
    public ParameterGroup {
        if (!(learningRateMultiplier > 0) || Double.isInfinite(learningRateMultiplier)) {
            throw new IllegalArgumentException("learningRateMultiplier must be positive and finite, found "
                    + learningRateMultiplier);
        }
    }
}
