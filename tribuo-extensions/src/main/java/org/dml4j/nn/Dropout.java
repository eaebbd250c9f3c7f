package org.dml4j.nn;

import org.dml4j.nd.HostArrays;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.SplittableRandom;

/**
 * Inverted dropout (PyTorch's {@code nn.Dropout}): while training each input is zeroed with probability {@code p}
 * and the others are scaled by {@code 1/(1-p)}; at inference the layer is the identity.
 * <p>
 * The masks are reproducible: the n-th training forward pass of training step s (see {@link #beginStep}; s = 0 when
 * no step is given) draws from a generator seeded by {@code (seed, s, n)}, so two layers with the same seed drop the
 * same units, a run resumed at step s draws the masks an uninterrupted run draws, and a {@link #copy()} continues the
 * sequence where the original stands.
 */
public final class Dropout implements Layer {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private final double probability;
    private final long seed;
    private long step;
    private long passes;
    private INDArray mask;
    private boolean maskApplied;

    /**
     * Creates a dropout layer.
     *
     * @param probability the probability of zeroing an input, in [0, 1)
     * @param seed        the seed of the masks
     */
    public Dropout(double probability, long seed) {
        if (!(probability >= 0 && probability < 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), found " + probability);
        }
        this.probability = probability;
        this.seed = seed;
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        maskApplied = training && probability > 0;
        if (!maskApplied) {
            mask = null;
            return input;
        }
        long stepSeed = new SplittableRandom(seed + GOLDEN_GAMMA * step).nextLong();
        SplittableRandom rng = new SplittableRandom(stepSeed + GOLDEN_GAMMA * passes++);
        double keep = 1.0 / (1.0 - probability);
        double[] m = new double[Math.toIntExact(input.length())];
        for (int i = 0; i < m.length; i++) {
            m[i] = rng.nextDouble() < probability ? 0.0 : keep;
        }
        mask = HostArrays.float64(m, input.shape()).castTo(input.dataType());
        return input.mul(mask);
    }

    @Override
    public void beginStep(long step) {
        this.step = step;
        passes = 0;
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        return maskApplied ? gradOutput.mul(ForwardCache.require(mask, "Dropout")) : gradOutput;
    }

    @Override
    public Layer copy() {
        Dropout d = new Dropout(probability, seed);
        d.step = step;
        d.passes = passes;
        return d;
    }

    @Override
    public String toString() {
        return "Dropout(p=" + probability + ")";
    }
}
