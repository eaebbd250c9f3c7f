package org.dml4j.nn;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link EmbeddingNetwork#embed}'s fused inference ({@link InferencePass}, {@link ConvEpilogue}) against the layers run
 * one by one with {@code forward(x, false)}: the same values, for every fusion pattern, both types and the chunked
 * convolution.
 */
class InferencePassTest {

    /** float32 rounds the folded batch norm differently from the layer-by-layer pass; float64 agrees to 1e-12. */
    private static double tolerance(DataType type) {
        return type == DataType.FLOAT ? 1e-5 : 1e-12;
    }

    private static void assertSameAsLayers(EmbeddingNetwork net, INDArray x, DataType type) {
        net.forward(x, true); // moves the running statistics away from (0, 1)
        INDArray expected = x;
        for (Layer layer : net.layers()) {
            expected = layer.forward(expected, false);
        }
        INDArray fused = net.embed(x);
        assertArrayEquals(expected.shape(), fused.shape());
        double gap = expected.sub(fused).amaxNumber().doubleValue();
        assertTrue(gap <= tolerance(type), "fused inference differs from forward(x, false) by up to " + gap);
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void cnnAndResNetSpecs(DataType type) {
        Map<String, Integer> features = Map.of("cnn:3,4,5:image=2x8x6", 96, "resnet:3,4,5,6:image=2x8x8", 128,
                "resnet:3,3,4:image=1x7x7,blocks=2", 49);
        features.forEach((spec, inputs) -> assertSameAsLayers(NetworkSpecs.parse(spec).build(inputs, 3, type),
                Nd4j.rand(type, 6, inputs).subi(0.5), type));
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void everyFusionPatternAndChunkedConvolutions(DataType type) {
        SplittableRandom rng = new SplittableRandom(7);
        EmbeddingNetwork net = new EmbeddingNetwork(List.of(new Unflatten(2, 9, 9),
                new Conv2d(2, 3, 3, 1, 1, rng, type).limitColumns(2 * 18 * 81), // chunks of 2 images
                new BatchNorm2d(3, type), new MaxPool2d(3, 2),                   // no ReLU
                new Conv2d(3, 4, 2, 1, 0, rng, type), new ReLU(),                // no batch norm, no pooling
                new Conv2d(4, 4, 1, 2, 0, rng, type),                           // alone
                new ResidualBlock(4, 5, 2, rng, type), new GlobalAvgPool2d(), new Dense(5, 3, rng, type)));
        assertSameAsLayers(net, Nd4j.rand(type, 7, 162).subi(0.5), type);
    }
}
