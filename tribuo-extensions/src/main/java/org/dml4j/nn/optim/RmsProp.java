package org.dml4j.nn.optim;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * RMSprop as PyTorch's {@code torch.optim.RMSprop}: {@code g = grad + λ p}, {@code s = α s + (1-α) g²}; centered,
 * also {@code a = α a + (1-α) g} and the denominator is {@code sqrt(s - a²) + eps}, otherwise {@code sqrt(s) + eps};
 * with momentum {@code μ}, {@code b = μ b + g/denominator} (b starts at 0) and {@code p -= lr b}, otherwise
 * {@code p -= lr g/denominator}. Defaults: alpha 0.99, eps 1e-8, no momentum, not centered, no weight decay.
 */
public final class RmsProp implements Optimizer {

    @Config(description = "The smoothing constant of the squared-gradient average.")
    private double alpha = 0.99;

    @Config(description = "The term added to the denominator after the square root.")
    private double epsilon = 1e-8;

    @Config(description = "The momentum factor (0 for none).")
    private double momentum = 0.0;

    @Config(description = "Whether to normalize by the estimated variance instead of the second moment.")
    private boolean centered = false;

    @Config(description = "The L2 penalty added to the gradient (PyTorch's weight_decay).")
    private double weightDecay = 0.0;

    /** PyTorch's defaults: alpha 0.99, eps 1e-8, no momentum, not centered, no weight decay. */
    public RmsProp() {
    }

    /**
     * Creates an RMSprop optimizer.
     *
     * @param alpha       the smoothing constant, in [0, 1)
     * @param epsilon     the denominator term, {@code >= 0}
     * @param momentum    the momentum factor, in [0, 1)
     * @param centered    whether to center the second moment
     * @param weightDecay the L2 penalty, {@code >= 0}
     */
    public RmsProp(double alpha, double epsilon, double momentum, boolean centered, double weightDecay) {
        this.alpha = alpha;
        this.epsilon = epsilon;
        this.momentum = momentum;
        this.centered = centered;
        this.weightDecay = weightDecay;
        postConfig();
    }

    @Override
    public void postConfig() {
        Ranges.checkRange("alpha", alpha, 1);
        Ranges.checkRange("epsilon", epsilon, Double.POSITIVE_INFINITY);
        Ranges.checkRange("momentum", momentum, 1);
        Ranges.checkRange("weightDecay", weightDecay, Double.POSITIVE_INFINITY);
    }

    @Override
    public void update(INDArray parameter, INDArray gradient, double learningRate, ParameterState state) {
        INDArray g = WeightDecay.apply(gradient, parameter, weightDecay);
        INDArray squareAvg = state.slot("square_avg", parameter).muli(alpha).addi(g.mul(g).muli(1 - alpha));
        INDArray denominator;
        if (centered) {
            INDArray gradAvg = state.slot("grad_avg", parameter).muli(alpha).addi(g.mul(1 - alpha));
            denominator = Transforms.sqrt(squareAvg.sub(gradAvg.mul(gradAvg)), false).addi(epsilon);
        } else {
            denominator = Transforms.sqrt(squareAvg, true).addi(epsilon);
        }
        INDArray step = g.div(denominator);
        if (momentum > 0) {
            step = state.slot("momentum_buffer", parameter).muli(momentum).addi(step);
        }
        parameter.subi(step.mul(learningRate));
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "Optimizer");
    }

    @Override
    public String toString() {
        return "RmsProp(alpha=" + alpha + ", epsilon=" + epsilon + ", momentum=" + momentum + ", centered="
                + centered + ", weightDecay=" + weightDecay + ")";
    }
}
