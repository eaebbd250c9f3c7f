package org.dml4j.nn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link EmbeddingNetwork#forward} and {@code backward} with the fused batch normalization, ReLU and pooling
 * ({@link TrainingPass}) against the layers of a copy run one by one: the same outputs, input gradients, parameter
 * gradients and running statistics, for every fusion pattern, in training and in evaluation mode.
 */
class TrainingPassTest {

    /** float32 sums the pooled gradients in another order than over the whole zero-filled gradient. */
    private static double tolerance(DataType type) {
        return type == DataType.FLOAT ? 1e-5 : 1e-12;
    }

    private static EmbeddingNetwork everyPattern(DataType type) {
        SplittableRandom rng = new SplittableRandom(11);
        return new EmbeddingNetwork(List.of(new Unflatten(2, 9, 9),
                new Conv2d(2, 3, 3, 1, 1, rng, type), new BatchNorm2d(3, type), new ReLU(), new MaxPool2d(2, 2),
                new Conv2d(3, 4, 3, 1, 1, rng, type), new BatchNorm2d(4, type), new ReLU(),    // no pooling; 4x4
                new Conv2d(4, 4, 1, 1, 0, rng, type), new BatchNorm2d(4, type), new MaxPool2d(3, 1), // no ReLU, overlap
                new Conv2d(4, 5, 1, 1, 0, rng, type), new BatchNorm2d(5, type), // alone
                new ResidualBlock(5, 5, 1, rng, type), new BatchNorm2d(5, type), new ReLU(), new MaxPool2d(2, 1),
                new Flatten(), new Dense(5, 3, rng, type)));
    }

    @Test
    void fusesEachBatchNormWithTheReLUAndPoolingAfterIt() {
        List<TrainingPass.Unit> units = TrainingPass.units(everyPattern(DataType.DOUBLE).layers());
        // each convolution with the batch normalization after it; the batch normalization after the block alone
        assertEquals(List.of(new TrainingPass.Unit(0, 1), new TrainingPass.Unit(1, 5), new TrainingPass.Unit(5, 8),
                new TrainingPass.Unit(8, 11), new TrainingPass.Unit(11, 13), new TrainingPass.Unit(13, 14),
                new TrainingPass.Unit(14, 17), new TrainingPass.Unit(17, 18), new TrainingPass.Unit(18, 19)), units);
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void sameAsTheLayersOneByOne(DataType type) {
        EmbeddingNetwork net = everyPattern(type);
        EmbeddingNetwork reference = net.copy();
        INDArray x = Nd4j.rand(type, 6, 162).subi(0.5);
        for (boolean training : new boolean[]{true, false}) {
            INDArray out = net.forward(x, training);
            INDArray expected = x;
            for (Layer layer : reference.layers()) {
                expected = layer.forward(expected, training);
            }
            assertClose(expected, out, type, "output, training=" + training);
            INDArray g = Nd4j.rand(type, out.shape()).subi(0.5);
            INDArray dx = net.backward(g);
            INDArray expectedDx = g;
            for (int i = reference.layers().size() - 1; i >= 0; i--) {
                expectedDx = reference.layers().get(i).backward(expectedDx, true);
            }
            assertClose(expectedDx, dx, type, "input gradient, training=" + training);
            assertAllClose(reference.gradients(), net.gradients(), type, "gradient");
            assertAllClose(reference.buffers(), net.buffers(), type, "running statistic");
        }
    }

    /**
     * A residual block (each convolution's bias, the residual add and the ReLUs inside its batch normalizations'
     * passes) against its parts run one by one with a separate add and ReLU, identity and projection shortcut.
     */
    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void residualBlockSameAsItsPartsOneByOne(DataType type) {
        for (int stride : new int[]{1, 2}) {
            ResidualBlock block = new ResidualBlock(3, stride == 1 ? 3 : 4, stride, new SplittableRandom(5), type);
            ResidualBlock reference = (ResidualBlock) block.copy();
            Map<String, Layer> p = reference.parts();
            INDArray x = Nd4j.rand(type, 3, 4, 7, 6).subi(0.5);
            for (boolean training : new boolean[]{true, false}) {
                INDArray out = block.forward(x, training);
                INDArray main = p.get("bn2").forward(p.get("conv2").forward(p.get("relu").forward(
                        p.get("bn1").forward(p.get("conv1").forward(x, training), training), training), training),
                        training);
                INDArray shortcut = stride == 1 ? x
                        : p.get("downsample.1").forward(p.get("downsample.0").forward(x, training), training);
                ReLU outputReLU = new ReLU();
                assertClose(outputReLU.forward(main.add(shortcut), training), out, type, "block output");
                INDArray g = Nd4j.rand(type, out.shape()).subi(0.5);
                INDArray dx = block.backward(g, true);
                INDArray gSum = outputReLU.backward(g);
                INDArray dMain = p.get("conv1").backward(p.get("bn1").backward(p.get("relu").backward(
                        p.get("conv2").backward(p.get("bn2").backward(gSum)))));
                INDArray dShortcut = stride == 1 ? gSum
                        : p.get("downsample.0").backward(p.get("downsample.1").backward(gSum));
                assertClose(dMain.add(dShortcut), dx, type, "block input gradient, training=" + training);
                assertAllClose(reference.gradients(), block.gradients(), type, "block gradient");
                assertAllClose(reference.buffers(), block.buffers(), type, "block running statistic");
            }
        }
    }

    private static void assertAllClose(Map<String, INDArray> expected, Map<String, INDArray> actual, DataType type,
                                       String what) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, value) -> assertClose(value, actual.get(name), type, what + " " + name));
    }

    private static void assertClose(INDArray expected, INDArray actual, DataType type, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what);
        double gap = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(gap <= tolerance(type) * Math.max(1, expected.amaxNumber().doubleValue()),
                what + " differs from the layers one by one by up to " + gap);
    }
}
