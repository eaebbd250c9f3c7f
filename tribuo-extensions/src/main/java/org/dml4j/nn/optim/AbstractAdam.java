package org.dml4j.nn.optim;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.dml4j.nd.HostChunks;
import org.dml4j.nd.HostRanges;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The moment update shared by {@link Adam} and {@link AdamW} (Kingma and Ba, 2015), in PyTorch's form:
 * {@code m = β1 m + (1-β1) g}, {@code v = β2 v + (1-β2) g²},
 * {@code p -= lr/(1-β1^t) · m / (sqrt(v)/sqrt(1-β2^t) + eps)} (eps added after the square root and the bias
 * correction).
 */
abstract class AbstractAdam implements Optimizer {

    /** Values per host chunk of a step: the four chunks (16 or 32 KB each) stay in the L1/L2 cache. */
    private static final int CHUNK = 4096;

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
     * Applies one Adam step to a parameter: optionally scales the parameter ({@code parameterScale}, AdamW's decoupled
     * decay {@code 1 - lr·wd}) and adds an L2 term to the gradient ({@code gradientDecay}, Adam's coupled decay), then
     * in PyTorch's formula {@code m = β1 m + (1-β1) g}, {@code v = β2 v + (1-β2) g²},
     * {@code p -= lr/(1-β1^t) · m / (sqrt(v)/sqrt(1-β2^t) + eps)}.
     * <p>
     * The step runs in Java over the arrays' host buffers, a chunk at a time, in the parameter's precision: one pass
     * over the four arrays instead of a dozen ND4J ops. ND4J's fused
     * {@code adam_updater} op took 2-4 ms for the 401k float32 weights of the 784-512-128 MLP and its element-wise
     * {@code sqrt} alone 0.8-1.4 ms; this loop takes about 0.2 ms (BENCHMARKS.md, "Threads and the optimizer"). Large
     * parameters are updated in contiguous ranges on the available cores ({@link HostRanges}).
     *
     * @param parameter      the parameter, updated in place
     * @param gradient       its gradient; not modified
     * @param learningRate   the learning rate
     * @param state          the parameter's state ({@code exp_avg}, {@code exp_avg_sq})
     * @param gradientDecay  the L2 factor added to the gradient ({@code g + gradientDecay · p}), 0 for none
     * @param parameterScale the factor the parameter is multiplied by before the step, 1 for none
     */
    protected void applyMoments(INDArray parameter, INDArray gradient, double learningRate, ParameterState state,
                                double gradientDecay, double parameterScale) {
        HostChunks p = HostChunks.of(parameter);
        HostChunks g = HostChunks.forReading(gradient);
        HostChunks m = HostChunks.of(state.slot("exp_avg", parameter));
        HostChunks v = HostChunks.of(state.slot("exp_avg_sq", parameter));
        double stepSize = learningRate / (1 - Math.pow(beta1, state.step()));
        double sqrtBiasCorrection2 = Math.sqrt(1 - Math.pow(beta2, state.step()));
        MomentStep step = p.isFloat32() ? new Float32Step(p, g, m, v) : new Float64Step(p, g, m, v);
        HostRanges.forEach(p.length(), (from, to) -> step.run(from, to, beta1, beta2, epsilon, stepSize,
                sqrtBiasCorrection2, gradientDecay, parameterScale));
    }

    /** The step over one contiguous range of a parameter's values, in the parameter's precision. */
    private interface MomentStep {
        void run(int from, int to, double beta1, double beta2, double epsilon, double stepSize,
                 double sqrtBiasCorrection2, double gradientDecay, double parameterScale);
    }

    /**
     * The step over float32 parameters, in float32 arithmetic as PyTorch computes it (and vectorised by the JIT: about
     * 0.2 ms for 401k weights where float64 arithmetic took 0.9 ms).
     */
    private record Float32Step(HostChunks p, HostChunks g, HostChunks m, HostChunks v) implements MomentStep {
        @Override
        public void run(int from, int to, double beta1, double beta2, double epsilon, double stepSize,
                        double sqrtBiasCorrection2, double gradientDecay, double parameterScale) {
            // The coefficients are computed in float64 and rounded once, as PyTorch passes them from Python:
            // 1 - (float) 0.999 would be off by 1.3e-5 relative.
            float b1 = (float) beta1;
            float b2 = (float) beta2;
            float rest1 = (float) (1 - beta1);
            float rest2 = (float) (1 - beta2);
            float eps = (float) epsilon;
            float step = (float) stepSize;
            float c2 = (float) sqrtBiasCorrection2;
            float decay = (float) gradientDecay;
            float scale = (float) parameterScale;
            int chunk = Math.min(CHUNK, to - from);
            float[] pc = new float[chunk];
            float[] gc = new float[chunk];
            float[] mc = new float[chunk];
            float[] vc = new float[chunk];
            for (int offset = from; offset < to; offset += chunk) {
                int count = Math.min(chunk, to - offset);
                p.read(offset, pc, count);
                g.read(offset, gc, count);
                m.read(offset, mc, count);
                v.read(offset, vc, count);
                for (int i = 0; i < count; i++) {
                    float gi = gc[i] + decay * pc[i];
                    float mi = b1 * mc[i] + rest1 * gi;
                    float vi = b2 * vc[i] + rest2 * gi * gi;
                    mc[i] = mi;
                    vc[i] = vi;
                    pc[i] = pc[i] * scale - step * mi / ((float) Math.sqrt(vi) / c2 + eps);
                }
                p.write(offset, pc, count);
                m.write(offset, mc, count);
                v.write(offset, vc, count);
            }
        }
    }

    /** The step over float64 parameters, in float64 arithmetic. */
    private record Float64Step(HostChunks p, HostChunks g, HostChunks m, HostChunks v) implements MomentStep {
        @Override
        public void run(int from, int to, double beta1, double beta2, double epsilon, double stepSize,
                        double sqrtBiasCorrection2, double gradientDecay, double parameterScale) {
            int chunk = Math.min(CHUNK, to - from);
            double[] pc = new double[chunk];
            double[] gc = new double[chunk];
            double[] mc = new double[chunk];
            double[] vc = new double[chunk];
            for (int offset = from; offset < to; offset += chunk) {
                int count = Math.min(chunk, to - offset);
                p.read(offset, pc, count);
                g.read(offset, gc, count);
                m.read(offset, mc, count);
                v.read(offset, vc, count);
                for (int i = 0; i < count; i++) {
                    double gi = gc[i] + gradientDecay * pc[i];
                    double mi = beta1 * mc[i] + (1 - beta1) * gi;
                    double vi = beta2 * vc[i] + (1 - beta2) * gi * gi;
                    mc[i] = mi;
                    vc[i] = vi;
                    pc[i] = pc[i] * parameterScale - stepSize * mi / (Math.sqrt(vi) / sqrtBiasCorrection2 + epsilon);
                }
                p.write(offset, pc, count);
                m.write(offset, mc, count);
                v.write(offset, vc, count);
            }
        }
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
