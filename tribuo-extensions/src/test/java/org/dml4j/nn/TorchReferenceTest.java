package org.dml4j.nn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The image networks ({@code cnn:...}, {@code resnet:...}) against PyTorch 1.13 for the same weights, in float64: the
 * inference and training outputs, the running statistics after a training pass, and the gradients with respect to
 * the input and every parameter, within 1e-9 (well inside the 1e-5). The reference values and the script that
 * made them are in {@code src/test/resources/torch-reference/}; parameters and buffers are matched in order (the
 * layers register them in PyTorch's order). The same networks in float32 (the float32 path of the CPU build; their
 * 2-6 channels are too few for {@link DirectConv}, which {@code DirectConvTest} checks) agree with the float64
 * reference within 1e-5 (outputs) and {@value #FLOAT32_GRADIENT_TOLERANCE} (gradients).
 */
class TorchReferenceTest {

    private static final double TOLERANCE = 1e-9;

    private static final double FLOAT32_OUTPUT_TOLERANCE = 1e-5;

    private static final double FLOAT32_GRADIENT_TOLERANCE = 1e-4;

    static List<JsonNode> cases() throws IOException {
        try (InputStream in = TorchReferenceTest.class.getResourceAsStream("/torch-reference/image-networks.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            return StreamSupport.stream(root.get("cases").spliterator(), false).toList();
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesPyTorch(JsonNode c) {
        matches(c, DataType.DOUBLE, TOLERANCE, TOLERANCE);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesPyTorchInFloat32(JsonNode c) {
        matches(c, DataType.FLOAT, FLOAT32_OUTPUT_TOLERANCE, FLOAT32_GRADIENT_TOLERANCE);
    }

    private static void matches(JsonNode c, DataType type, double outputTolerance, double gradientTolerance) {
        EmbeddingNetwork net = NetworkSpecs.parse(c.get("spec").asText())
                .build(c.get("input").size() / c.get("batch").asInt(), 7, type);
        assign(net.parameters(), c.get("parameters"));
        assign(net.buffers(), c.get("buffers"));
        INDArray x = vector(c.get("input"), type).reshape(c.get("batch").asInt(), -1);

        assertClose(c.get("eval_output"), net.embed(x), outputTolerance, "inference output");
        INDArray out = net.forward(x, true);
        assertClose(c.get("train_output"), out, outputTolerance, "training output");
        assertAll(c.get("buffers_after"), net.buffers(), outputTolerance, "running statistics after the training pass");
        INDArray dx = net.backward(vector(c.get("r"), type).reshape(out.shape()));
        assertClose(c.get("input_gradient"), dx, gradientTolerance, "input gradient");
        assertAll(c.get("parameter_gradients"), net.gradients(), gradientTolerance, "parameter gradients");
    }

    private static INDArray vector(JsonNode values) {
        return vector(values, DataType.DOUBLE);
    }

    private static INDArray vector(JsonNode values, DataType type) {
        double[] v = new double[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i).asDouble();
        }
        return Nd4j.createFromArray(v).castTo(type);
    }

    private static void assign(Map<String, INDArray> arrays, JsonNode values) {
        List<INDArray> targets = new ArrayList<>(arrays.values());
        assertEquals(values.size(), targets.size(), "as many arrays as PyTorch's");
        for (int i = 0; i < targets.size(); i++) {
            assertEquals(values.get(i).size(), targets.get(i).length(), "size of " + arrays.keySet().toArray()[i]);
            targets.get(i).assign(vector(values.get(i)).reshape(targets.get(i).shape()));
        }
    }

    private static void assertAll(JsonNode expected, Map<String, INDArray> actual, double tolerance, String what) {
        List<String> names = new ArrayList<>(actual.keySet());
        assertEquals(expected.size(), names.size(), what);
        for (int i = 0; i < names.size(); i++) {
            assertClose(expected.get(i), actual.get(names.get(i)), tolerance, what + " " + names.get(i));
        }
    }

    private static void assertClose(JsonNode expected, INDArray actual, double tolerance, String what) {
        assertArrayEquals(vector(expected).toDoubleVector(), actual.castTo(DataType.DOUBLE).reshape(-1)
                .toDoubleVector(), tolerance, what);
    }
}
