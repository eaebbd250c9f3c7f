package org.dml4j.nn.optim;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * PyTorch's coupled {@code weight_decay}: an L2 penalty added to the gradient.
 */
final class WeightDecay {

    private WeightDecay() {
    }

    /**
     * The gradient with the L2 term: {@code g + λ p} (a new array), or {@code g} itself when {@code λ = 0}.
     *
     * @param gradient    the gradient (not modified)
     * @param parameter   the parameter
     * @param weightDecay λ
     * @return the decayed gradient
     */
    static INDArray apply(INDArray gradient, INDArray parameter, double weightDecay) {
        return weightDecay == 0 ? gradient : gradient.add(parameter.mul(weightDecay));
    }
}
