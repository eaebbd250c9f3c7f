package org.dml4j.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * PyTorch's default initialization of {@code nn.Linear} and {@code nn.Conv2d}: {@code kaiming_uniform_} with
 * {@code a = sqrt(5)} for the weights and the matching uniform for the biases, which both reduce to
 * {@code U(-1/sqrt(fan_in), 1/sqrt(fan_in))} with {@code fan_in} = inputs (dense) or in-channels × kernel area
 * (convolution). The draws come from a seeded {@link SplittableRandom}, so they follow PyTorch's distribution, not its
 * random stream.
 */
public final class PyTorchInit {

    private PyTorchInit() {
    }

    /**
     * Draws an array of i.i.d. {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))} values.
     *
     * @param shape    the array's shape
     * @param fanIn    the number of inputs each output sums over
     * @param rng      the random source (advanced by the draws)
     * @param dataType the array's type
     * @return a new array
     */
    public static INDArray uniform(long[] shape, long fanIn, SplittableRandom rng, DataType dataType) {
        if (fanIn <= 0) {
            throw new IllegalArgumentException("fanIn must be positive, found " + fanIn);
        }
        double bound = 1.0 / Math.sqrt(fanIn);
        long length = 1;
        for (long d : shape) {
            length *= d;
        }
        double[] values = new double[Math.toIntExact(length)];
        for (int i = 0; i < values.length; i++) {
            values[i] = rng.nextDouble(-bound, bound);
        }
        return Nd4j.create(values, shape, DataType.DOUBLE).castTo(dataType);
    }
}
