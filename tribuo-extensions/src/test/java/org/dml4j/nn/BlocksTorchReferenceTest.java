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
import java.util.SplittableRandom;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The blocks ({@link LayerNorm}, {@link MultiHeadAttention}, {@link TransformerBlock}, {@link AttentionPool},
 * {@link GeMPool2d}) against PyTorch 1.13 ({@code nn.LayerNorm}, {@code nn.MultiheadAttention},
 * {@code nn.TransformerEncoderLayer(norm_first=True, activation="gelu")}, a learned query over
 * {@code nn.MultiheadAttention}, cirtorch's GeM) for the same weights, in float64: the output and the gradients with
 * respect to the input and every parameter (matched by name), within 1e-9 (well inside the 1e-5). The
 * reference values and the script that made them are in {@code src/test/resources/torch-reference/}.
 */
class BlocksTorchReferenceTest {

    private static final double TOLERANCE = 1e-9;

    static List<JsonNode> cases() throws IOException {
        try (InputStream in = BlocksTorchReferenceTest.class.getResourceAsStream("/torch-reference/blocks.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            return StreamSupport.stream(root.get("cases").spliterator(), false).toList();
        }
    }

    /** The DML4J layer of a case's {@code layer} field, e.g. {@code transformer:8:2} (width 8, 2 heads). */
    static Layer layer(String description) {
        String[] parts = description.split(":");
        SplittableRandom rng = new SplittableRandom(1);
        return switch (parts[0]) {
            case "layernorm" -> new LayerNorm(Integer.parseInt(parts[1]), DataType.DOUBLE);
            case "mha" -> new MultiHeadAttention(Integer.parseInt(parts[1]), Integer.parseInt(parts[2]), rng,
                    DataType.DOUBLE);
            case "transformer" -> new TransformerBlock(Integer.parseInt(parts[1]), Integer.parseInt(parts[2]), rng,
                    DataType.DOUBLE);
            case "attnpool" -> new AttentionPool(Integer.parseInt(parts[1]), Integer.parseInt(parts[2]), rng,
                    DataType.DOUBLE);
            case "gem" -> new GeMPool2d(DataType.DOUBLE);
            default -> throw new IllegalArgumentException(description);
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorch(JsonNode c) {
        Layer layer = layer(c.get("layer").asText());
        assertEquals(names(c.get("parameters")), new ArrayList<>(layer.parameters().keySet()), "parameter names");
        layer.parameters().forEach((name, p) -> p.assign(vector(c.get("parameters").get(name)).reshape(p.shape())));
        boolean image = c.get("image").asBoolean();
        INDArray x = vector(c.get("input")).reshape(shape(c.get("shape")));
        INDArray out = layer.forward(image ? cnhw(x) : x, true);
        boolean imageOut = out.rank() == 4;
        assertClose(c.get("output"), imageOut ? nchw(out) : out, "output");
        INDArray r = vector(c.get("r")).reshape(shape(c.get("output_shape")));
        INDArray dx = layer.backward(imageOut ? cnhw(r) : r);
        assertClose(c.get("input_gradient"), image ? nchw(dx) : dx, "input gradient");
        for (Map.Entry<String, INDArray> g : layer.gradients().entrySet()) {
            assertClose(c.get("parameter_gradients").get(g.getKey()), g.getValue(), "gradient of " + g.getKey());
        }
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static long[] shape(JsonNode dims) {
        long[] s = new long[dims.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = dims.get(i).asLong();
        }
        return s;
    }

    private static INDArray cnhw(INDArray nchw) {
        return nchw.permute(1, 0, 2, 3).dup('c');
    }

    private static INDArray nchw(INDArray cnhw) {
        return cnhw.permute(1, 0, 2, 3).dup('c');
    }

    private static INDArray vector(JsonNode values) {
        double[] v = new double[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i).asDouble();
        }
        return Nd4j.createFromArray(v);
    }

    private static void assertClose(JsonNode expected, INDArray actual, String what) {
        assertArrayEquals(vector(expected).toDoubleVector(), actual.castTo(DataType.DOUBLE).dup('c').reshape(-1)
                .toDoubleVector(), TOLERANCE, what);
    }
}
