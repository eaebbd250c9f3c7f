package org.dml4j.nn.optim;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Adam as PyTorch's {@code torch.optim.Adam} (without amsgrad): bias-corrected moments, eps added after the square
 * root, and {@code weight_decay} as an L2 term added to the gradient. Defaults: betas (0.9, 0.999), eps 1e-8, weight
 * decay 0 — the reference protocol's optimizer with learning rate 1e-3.
 */
public final class Adam extends AbstractAdam {

    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public Adam() {
    }

    /**
     * Creates an Adam optimizer.
     *
     * @param beta1       the first-moment decay, in [0, 1)
     * @param beta2       the second-moment decay, in [0, 1)
     * @param epsilon     the denominator term, {@code >= 0}
     * @param weightDecay the L2 penalty, {@code >= 0}
     */
    public Adam(double beta1, double beta2, double epsilon, double weightDecay) {
        super(beta1, beta2, epsilon, weightDecay);
    }

    @Override
    public void update(INDArray parameter, INDArray gradient, double learningRate, ParameterState state) {
        applyMoments(parameter, gradient, learningRate, state, weightDecay, 1.0);
    }
}
