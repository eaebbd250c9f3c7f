package org.dml4j.nn.optim;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

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
     *
     * @param parameter    the parameter, updated in place
     * @param g            the (possibly decayed) gradient
     * @param learningRate the learning rate
     * @param state        the parameter's state
     */
    protected void applyMoments(INDArray parameter, INDArray g, double learningRate, ParameterState state) {
        INDArray m = state.slot("exp_avg", parameter).muli(beta1).addi(g.mul(1 - beta1));
        INDArray v = state.slot("exp_avg_sq", parameter).muli(beta2).addi(g.mul(g).muli(1 - beta2));
        double biasCorrection1 = 1 - Math.pow(beta1, state.step());
        double biasCorrection2 = 1 - Math.pow(beta2, state.step());
        INDArray denominator = Transforms.sqrt(v, true).divi(Math.sqrt(biasCorrection2)).addi(epsilon);
        parameter.subi(m.div(denominator).muli(learningRate / biasCorrection1));
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
