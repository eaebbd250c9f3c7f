package org.dml4j.nn.optim;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Stochastic gradient descent with optional momentum and Nesterov momentum, as PyTorch's {@code torch.optim.SGD}
 * (dampening 0): {@code g = grad + λ p}; with momentum {@code μ}, {@code b = g} on the first step and
 * {@code b = μ b + g} after, then {@code g = b}, or {@code g = g + μ b} with Nesterov; {@code p -= lr g}.
 */
public final class Sgd implements Optimizer {

    @Config(description = "The momentum factor (0 for plain SGD).")
    private double momentum = 0.0;

    @Config(description = "Whether to use Nesterov momentum (needs momentum > 0).")
    private boolean nesterov = false;

    @Config(description = "The L2 penalty added to the gradient (PyTorch's weight_decay).")
    private double weightDecay = 0.0;

    /** For olcut. */
    private Sgd() {
    }

    /**
     * Creates an SGD optimizer.
     *
     * @param momentum    the momentum factor, in [0, 1)
     * @param nesterov    whether to use Nesterov momentum
     * @param weightDecay the L2 penalty, {@code >= 0}
     */
    public Sgd(double momentum, boolean nesterov, double weightDecay) {
        this.momentum = momentum;
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;
        postConfig();
    }

    @Override
    public void postConfig() {
        Ranges.checkRange("momentum", momentum, 1);
        Ranges.checkRange("weightDecay", weightDecay, Double.POSITIVE_INFINITY);
        if (nesterov && momentum == 0) {
            throw new PropertyException("", "nesterov", "Nesterov momentum needs momentum > 0, found momentum 0");
        }
    }

    @Override
    public void update(INDArray parameter, INDArray gradient, double learningRate, ParameterState state) {
        INDArray g = WeightDecay.apply(gradient, parameter, weightDecay);
        if (momentum != 0) {
            INDArray buffer;
            if (state.has("momentum_buffer")) {
                buffer = state.slot("momentum_buffer", g).muli(momentum).addi(g);
            } else {
                buffer = state.put("momentum_buffer", g);
            }
            g = nesterov ? g.add(buffer.mul(momentum)) : buffer;
        }
        parameter.subi(g.mul(learningRate));
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "Optimizer");
    }

    @Override
    public String toString() {
        return "Sgd(momentum=" + momentum + ", nesterov=" + nesterov + ", weightDecay=" + weightDecay + ")";
    }
}
