package org.dml4j.nn;

import org.dml4j.nn.onnx.OnnxBackbone;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Finite-difference checks in float64, in training mode, of the backward pass through the PyTorch exports of
 * {@code experiments/bench/onnx_backbones.py} (a ResNet-18-shaped and a MobileNet-style network): their tens of
 * thousands of weights are too many to check one by one in a test, so the check samples entries of the input and of
 * the first, a middle and the last parameter of the graph.
 */
class PyTorchExportGradientTest {

    /** Smaller than the layer checks' 1e-6: in a deep ReLU network a 1e-6 step of a stem weight crossed a kink. */
    private static final double H = 1e-7;

    @ParameterizedTest
    @ValueSource(strings = {"resnet18-narrow.onnx", "mobilenet-small.onnx"})
    void sampledGradientsMatchFiniteDifferences(String file) throws IOException {
        byte[] model;
        try (InputStream in = getClass().getResourceAsStream("/onnx/" + file)) {
            model = in.readAllBytes();
        }
        OnnxBackbone backbone = OnnxBackbone.parse(model, file);
        int[] image = backbone.imageShape();
        EmbeddingNetwork net = new EmbeddingNetwork(List.of(new Unflatten(image[0], image[1], image[2]),
                backbone.layer(DataType.DOUBLE)));
        List<String> names = List.copyOf(net.parameters().keySet());
        GradientCheck.checkSampled(net, GradientCheck.normal(5, 2, (long) image[0] * image[1] * image[2]), true, H,
                4, List.of(names.get(0), names.get(names.size() / 2), names.get(names.size() - 1)));
    }
}
