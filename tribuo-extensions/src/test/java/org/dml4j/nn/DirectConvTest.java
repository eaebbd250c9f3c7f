package org.dml4j.nn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The float32 convolutions that run in oneDNN ({@link DirectConv}) against the float64 lowering for the same weights
 * (which {@code TorchReferenceTest} checks against PyTorch within 1e-9): a layer's forward and backward passes, and
 * networks whose convolutions take every path that calls them (with the batch norm after it holding its bias, inside
 * a residual block, fused inference).
 */
class DirectConvTest {

    private static final double OUTPUT_TOLERANCE = 1e-5;

    private static final double GRADIENT_TOLERANCE = 1e-4;

    private static void assertClose(INDArray expected, INDArray actual, double tolerance, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what);
        assertArrayEquals(expected.reshape(-1).toDoubleVector(), actual.castTo(DataType.DOUBLE).reshape(-1)
                .toDoubleVector(), tolerance, what);
    }

    @Test
    void theCpuBuildRunsConvolutionsInOneDnn() {
        assertTrue(DirectConv.ONEDNN, "the nd4j-native classifier is linux-x86_64-onednn (pom.xml)");
    }

    @Test
    void onlyFloat32StrideOneLayersWithEnoughChannelsAndPixels() {
        SplittableRandom rng = new SplittableRandom(1);
        Conv2d conv = new Conv2d(16, 4, 3, 1, 1, rng, DataType.FLOAT);
        assertTrue(DirectConv.applies(conv, Nd4j.zeros(DataType.FLOAT, 16, 2, 14, 14)));
        assertFalse(DirectConv.applies(conv, Nd4j.zeros(DataType.DOUBLE, 16, 2, 14, 14)), "float64");
        assertFalse(DirectConv.applies(conv, Nd4j.zeros(DataType.FLOAT, 16, 2, 7, 7)), "7×7 images");
        assertFalse(DirectConv.applies(new Conv2d(16, 4, 3, 2, 1, rng, DataType.FLOAT),
                Nd4j.zeros(DataType.FLOAT, 16, 2, 14, 14)), "stride 2");
        assertFalse(DirectConv.applies(new Conv2d(3, 4, 3, 1, 1, rng, DataType.FLOAT),
                Nd4j.zeros(DataType.FLOAT, 3, 2, 14, 14)), "3 input channels");
    }

    @ParameterizedTest
    @CsvSource({"3, 1", "1, 0", "3, 0", "5, 2"})
    void layerPassesSameAsTheFloat64Lowering(int kernel, int padding) {
        Conv2d reference = new Conv2d(16, 5, kernel, 1, padding, new SplittableRandom(3), DataType.DOUBLE);
        Conv2d direct = new Conv2d(16, 5, kernel, 1, padding, new SplittableRandom(3), DataType.FLOAT);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 16, 3, 15, 14).subi(0.5);
        INDArray xf = x.castTo(DataType.FLOAT);
        assertTrue(DirectConv.applies(direct, xf));

        INDArray out = reference.forward(x, true);
        assertClose(out, direct.forward(xf, true), OUTPUT_TOLERANCE, "output");
        INDArray g = Nd4j.randn(DataType.DOUBLE, out.shape());
        assertClose(reference.backward(g), direct.backward(g.castTo(DataType.FLOAT)), GRADIENT_TOLERANCE,
                "input gradient");
        Map<String, INDArray> expected = reference.gradients();
        direct.gradients().forEach((name, grad) -> assertClose(expected.get(name), grad, GRADIENT_TOLERANCE, name));
        direct.forward(xf, true);
        assertTrue(direct.backward(g.castTo(DataType.FLOAT), false) == null, "no input gradient when not wanted");
        direct.gradients().forEach((name, grad) -> assertClose(expected.get(name), grad, GRADIENT_TOLERANCE, name));
    }

    @Test
    void networksSameAsTheFloat64Lowering() {
        // at 14×14 with 16 channels: the convolutions before a batch norm holding their bias, a residual block's
        // two stride-1 convolutions; at 7×7 and stride 2 the convolutions after them keep the lowering
        for (String spec : new String[]{"cnn:16,16,6:image=16x14x14", "resnet:16,16,6:image=16x14x14"}) {
            EmbeddingNetwork reference = NetworkSpecs.parse(spec).build(16 * 196, 5, DataType.DOUBLE);
            EmbeddingNetwork direct = NetworkSpecs.parse(spec).build(16 * 196, 5, DataType.FLOAT);
            INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 16 * 196).subi(0.5);
            INDArray xf = x.castTo(DataType.FLOAT);
            INDArray out = reference.forward(x, true);
            assertClose(out, direct.forward(xf, true), OUTPUT_TOLERANCE, spec + " training output");
            INDArray g = Nd4j.randn(DataType.DOUBLE, out.shape());
            assertClose(reference.backward(g), direct.backward(g.castTo(DataType.FLOAT)), GRADIENT_TOLERANCE,
                    spec + " input gradient");
            Map<String, INDArray> expected = reference.gradients();
            direct.gradients().forEach((name, grad) -> assertClose(expected.get(name), grad, GRADIENT_TOLERANCE,
                    spec + " " + name));
            assertClose(reference.embed(x), direct.embed(xf), OUTPUT_TOLERANCE, spec + " inference output");
        }
    }
}
