package org.dml4j.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Finite-difference checks in float64 of a network's backward pass through the scalar loss
 * {@code L = sum(forward(x, training) ⊙ R)} for a fixed random R: the gradients with respect to the input and to every
 * parameter must match central differences.
 */
final class GradientCheck {

    private static final double H = 1e-6;

    private final EmbeddingNetwork net;
    private final INDArray input;
    private final boolean training;
    private final double h;
    private final int samples;
    private final Random sampler = new Random(7);
    private INDArray weights;

    private GradientCheck(EmbeddingNetwork net, INDArray input, boolean training, double h, int samples) {
        this.net = net;
        this.input = input;
        this.training = training;
        this.h = h;
        this.samples = samples;
    }

    /** A seeded standard normal float64 array. */
    static INDArray normal(long seed, long... shape) {
        Random rng = new Random(seed);
        double[] v = new double[Math.toIntExact(Arrays.stream(shape).reduce(1, (a, b) -> a * b))];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextGaussian();
        }
        return Nd4j.create(v, shape, DataType.DOUBLE);
    }

    static void check(Layer layer, INDArray input, boolean training) {
        check(new EmbeddingNetwork(List.of(layer)), input, training);
    }

    static void check(EmbeddingNetwork net, INDArray input, boolean training) {
        new GradientCheck(net, input, training, H, 0).run(net.parameters().keySet());
    }

    /**
     * The check of a network too large to check entry by entry: {@code samples} random entries of the input and of
     * each named parameter, with step {@code h}.
     */
    static void checkSampled(EmbeddingNetwork net, INDArray input, boolean training, double h, int samples,
                             Collection<String> parameters) {
        new GradientCheck(net, input, training, h, samples).run(parameters);
    }

    /**
     * The biases of the convolutions right before a batch normalization, whose gradient is 0 in training (batch
     * statistics remove any per-channel constant): the network's own and those inside its residual blocks.
     */
    private Set<String> biasesBeforeBatchNorm() {
        Set<String> names = new HashSet<>();
        List<Layer> layers = net.layers();
        for (int i = 0; training && i < layers.size(); i++) {
            if (layers.get(i) instanceof Conv2d && i + 1 < layers.size() && layers.get(i + 1) instanceof BatchNorm2d) {
                names.add(i + ".bias");
            }
            if (layers.get(i) instanceof ResidualBlock block) {
                for (String conv : List.of("conv1", "conv2", "downsample.0")) {
                    if (block.parts().containsKey(conv)) {
                        names.add(i + "." + conv + ".bias");
                    }
                }
            }
        }
        return names;
    }

    private void run(Collection<String> checked) {
        INDArray out = net.forward(input, training);
        weights = normal(99, out.shape());
        INDArray dInput = net.backward(weights);
        Map<String, INDArray> grads = new LinkedHashMap<>();
        net.gradients().forEach((k, v) -> grads.put(k, v.dup()));
        assertEquals(net.parameters().keySet(), grads.keySet(), "a gradient for every parameter");
        compare("input", dInput, input);
        for (String name : checked) {
            compare(name, grads.get(name), net.parameters().get(name));
        }
    }

    private void compare(String what, INDArray analytic, INDArray array) {
        assertEquals(Arrays.toString(array.shape()), Arrays.toString(analytic.shape()), what + " gradient shape");
        double largest = 0;
        for (long k = 0; k < (samples > 0 ? samples : array.length()); k++) {
            long i = samples > 0 ? sampler.nextInt(Math.toIntExact(array.length())) : k;
            double original = array.getDouble(i);
            array.putScalar(i, original + h);
            double plus = loss();
            array.putScalar(i, original - h);
            double minus = loss();
            array.putScalar(i, original);
            double numeric = (plus - minus) / (2 * h);
            double a = analytic.getDouble(i);
            largest = Math.max(largest, Math.abs(a));
            assertEquals(numeric, a, 1e-6 + 1e-5 * Math.abs(numeric), what + "[" + i + "]");
        }
        // 0 is the right gradient of a bias before a training-mode batch normalization (the differences agree above)
        assertTrue(largest > 0 || biasesBeforeBatchNorm().contains(what),
                what + " gradient is identically zero: the check would prove nothing");
    }

    private double loss() {
        return net.forward(input, training).mul(weights).sumNumber().doubleValue();
    }
}
