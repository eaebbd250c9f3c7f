package org.dml4j.nn.optim;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * AdamW as PyTorch's {@code torch.optim.AdamW} (Loshchilov and Hutter, 2019): the parameter first decays as
 * {@code p *= 1 - lr λ}, then takes the plain Adam step on the undecayed gradient. Defaults: betas (0.9, 0.999),
 * eps 1e-8, weight decay 0.01.
 */
public final class AdamW extends AbstractAdam {

    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01. */
    public AdamW() {
        this.weightDecay = 0.01;
    }

    /**
     * Creates an AdamW optimizer.
     *
     * @param beta1       the first-moment decay, in [0, 1)
     * @param beta2       the second-moment decay, in [0, 1)
     * @param epsilon     the denominator term, {@code >= 0}
     * @param weightDecay the decoupled decay factor, {@code >= 0}
     */
    public AdamW(double beta1, double beta2, double epsilon, double weightDecay) {
        super(beta1, beta2, epsilon, weightDecay);
    }

    @Override
    public void update(INDArray parameter, INDArray gradient, double learningRate, ParameterState state) {
        applyMoments(parameter, gradient, learningRate, state, 0.0, 1 - learningRate * weightDecay);
    }
}
