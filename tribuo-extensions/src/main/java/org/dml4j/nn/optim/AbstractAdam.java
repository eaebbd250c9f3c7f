package org.dml4j.nn.optim;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The moment update shared by {@link Adam} and {@link AdamW} (Kingma and Ba, 2015), in PyTorch's form:
 * {@code m = β1 m + (1-β1) g}, {@code v = β2 v + (1-β2) g²},
 * {@code p -= lr/(1-β1^t) · m / (sqrt(v)/sqrt(1-β2^t) + eps)} (eps added after the square root and the bias
 * correction).
 */
abstract class AbstractAdam implements Optimizer {

    @Config(description = "The decay rate of the first moment (PyTorch's betas[0]).")
    protected double beta1 = 0.9;

    @Config(description = "The decay rate of the second moment (PyTorch's betas[1]).")
    protected double beta2 = 0.999;

    @Config(description = "The term added to the denominator after the square root.")
    protected double epsilon = 1e-8;

    @Config(description = "The weight decay factor (L2 penalty for Adam, decoupled decay for AdamW).")
    protected double weightDecay = 0.0;

    /** For olcut and the defaults of subclasses. */
    protected AbstractAdam() {
    }

    /**
     * Sets and checks the hyperparameters.
     *
     * @param beta1       the first-moment decay, in [0, 1)
     * @param beta2       the second-moment decay, in [0, 1)
     * @param epsilon     the denominator term, {@code >= 0}
     * @param weightDecay the weight decay, {@code >= 0}
     */
    protected AbstractAdam(double beta1, double beta2, double epsilon, double weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        postConfig();
    }

    @Override
    public void postConfig() {
        Ranges.checkRange("beta1", beta1, 1);
        Ranges.checkRange("beta2", beta2, 1);
        Ranges.checkRange("epsilon", epsilon, Double.POSITIVE_INFINITY);
        Ranges.checkRange("weightDecay", weightDecay, Double.POSITIVE_INFINITY);
    }

    /**
     * Updates the moments with {@code g} and applies the bias-corrected step to the parameter.
     * <p>
     * It runs as ND4J's fused {@code adam_updater} op, which computes
     * {@code lr sqrt(1-β2^t)/(1-β1^t) · m / (sqrt(v) + ε')}; with {@code ε' = eps sqrt(1-β2^t)} that is exactly
     * PyTorch's step (multiply PyTorch's numerator and denominator by {@code sqrt(1-β2^t)}).
     *
     * @param parameter    the parameter, updated in place
     * @param g            the (possibly decayed) gradient; overwritten with the step when {@code owned}
     * @param owned        whether {@code g} is a temporary this method may overwrite
     * @param learningRate the learning rate
     * @param state        the parameter's state
     */
    protected void applyMoments(INDArray parameter, INDArray g, boolean owned, double learningRate,
                                ParameterState state) {
        INDArray step = owned ? g : g.dup();
        INDArray m = state.slot("exp_avg", parameter);
        INDArray v = state.slot("exp_avg_sq", parameter);
        double biasCorrection2 = 1 - Math.pow(beta2, state.step());
        Nd4j.exec(new AdamUpdater(step, v, m, learningRate, beta1, beta2, epsilon * Math.sqrt(biasCorrection2),
                Math.toIntExact(state.step() - 1)));
        parameter.subi(step);
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "Optimizer");
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(beta1=" + beta1 + ", beta2=" + beta2 + ", epsilon=" + epsilon
                + ", weightDecay=" + weightDecay + ")";
    }
}
