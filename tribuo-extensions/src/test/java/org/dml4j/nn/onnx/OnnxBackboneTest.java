package org.dml4j.nn.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.dml4j.nn.EmbeddingNetwork;
import org.dml4j.nn.Unflatten;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Imported ONNX models compute what onnxruntime computes (within 1e-4 in float32, batch normalization with running
 * statistics): PyTorch's exports of a ResNet-18-shaped and a MobileNet-style network
 * ({@code experiments/bench/onnx_backbones.py}) and a graph of every supported operator; bad models fail with errors
 * that name the node, the file or the initializer.
 */
class OnnxBackboneTest {

    static byte[] resource(String name) throws IOException {
        try (InputStream in = OnnxBackboneTest.class.getResourceAsStream("/onnx/" + name)) {
            return in.readAllBytes();
        }
    }

    /** Seeded rows of {@code C·H·W} features. */
    static float[] rows(int n, int[] image, long seed) {
        Random rng = new Random(seed);
        float[] v = new float[n * image[0] * image[1] * image[2]];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return v;
    }

    private static float[] onnxRuntime(byte[] model, float[] input, int n, int[] image) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions());
             OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(input),
                     new long[]{n, image[0], image[1], image[2]});
             OrtSession.Result result = session.run(Map.of(session.getInputNames().iterator().next(), tensor))) {
            OnnxTensor out = (OnnxTensor) result.get(0);
            FloatBuffer values = out.getFloatBuffer();
            float[] flat = new float[values.remaining()];
            values.get(flat);
            return flat;
        }
    }

    private static void assertSameAsOnnxRuntime(byte[] model, String source) throws OrtException {
        OnnxBackbone backbone = OnnxBackbone.parse(model, source);
        int[] image = backbone.imageShape();
        int n = 3;
        float[] input = rows(n, image, 11);
        float[] expected = onnxRuntime(model, input, n, image);
        EmbeddingNetwork net = new EmbeddingNetwork(List.of(new Unflatten(image[0], image[1], image[2]),
                backbone.layer(DataType.FLOAT)));
        INDArray x = Nd4j.createFromArray(input).reshape(n, (long) image[0] * image[1] * image[2]);
        float[] forward = net.forward(x, false).dup('c').data().asFloat();
        float[] embedded = net.embed(x).dup('c').data().asFloat();
        assertEquals(expected.length, forward.length, source + " output size");
        double largest = 0;
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], forward[i], 1e-4, source + " forward[" + i + "]");
            assertEquals(expected[i], embedded[i], 1e-4, source + " embed[" + i + "]");
            largest = Math.max(largest, Math.abs(expected[i]));
        }
        assertTrue(largest > 1e-2, source + " outputs are all near zero: the comparison would prove little");
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet18-narrow.onnx", "mobilenet-small.onnx"})
    void pyTorchExportsGiveOnnxRuntimesOutputs(String file) throws IOException, OrtException {
        assertSameAsOnnxRuntime(resource(file), file);
    }

    @Test
    void everySupportedOperatorGivesOnnxRuntimesOutputs() throws OrtException {
        assertSameAsOnnxRuntime(AllOpsGraph.model().toByteArray(), "all-ops");
    }

    @Test
    void parametersAndBuffersCarryTheInitializerNames() throws IOException {
        GraphLayer layer = OnnxBackbone.parse(resource("resnet18-narrow.onnx"), "resnet").layer(DataType.FLOAT);
        Map<String, INDArray> params = layer.parameters();
        assertArrayEquals(new long[]{8, 1, 7, 7}, params.get("conv1.weight").shape());
        assertArrayEquals(new long[]{32, 64}, params.get("fc.weight").shape());
        assertTrue(params.containsKey("layer4.1.bn2.bias"), params.keySet().toString());
        assertTrue(layer.buffers().containsKey("layer2.0.downsample.1.running_var"), layer.buffers().keySet()
                .toString());
        // ResNet-18's convolutions have no bias: none is trained
        assertTrue(params.keySet().stream().noneMatch(k -> k.startsWith("conv1.") && k.endsWith("bias")));
        assertEquals(DataType.FLOAT, params.get("conv1.weight").dataType());
        assertEquals(DataType.DOUBLE, OnnxBackbone.parse(resource("resnet18-narrow.onnx"), "resnet")
                .layer(DataType.DOUBLE).parameters().get("fc.weight").dataType());
    }

    @Test
    void anUnsupportedOperatorIsNamedWithItsNode() {
        OnnxMl.ModelProto.Builder model = AllOpsGraph.model().toBuilder();
        OnnxMl.GraphProto.Builder graph = model.getGraphBuilder();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            if (graph.getNode(i).getName().equals("sigmoid")) {
                graph.setNode(i, graph.getNode(i).toBuilder().setOpType("HardSwish"));
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxBackbone.parse(model.build().toByteArray(), "m").layer(DataType.FLOAT));
        assertTrue(e.getMessage().startsWith("ONNX node 'sigmoid' (HardSwish): operator HardSwish is not supported"),
                e.getMessage());
    }

    @Test
    void anUnsupportedAttributeIsNamedWithItsNode() {
        OnnxMl.ModelProto.Builder model = AllOpsGraph.model().toBuilder();
        OnnxMl.GraphProto.Builder graph = model.getGraphBuilder();
        graph.setNode(0, graph.getNode(0).toBuilder().addAttribute(OnnxMl.AttributeProto.newBuilder()
                .setName("auto_pad").setType(OnnxMl.AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8("SAME_UPPER"))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxBackbone.parse(model.build().toByteArray(), "m").layer(DataType.FLOAT));
        assertEquals("ONNX node 'conv1' (Conv): auto_pad=SAME_UPPER is not supported: export with explicit pads",
                e.getMessage());
    }

    @Test
    void aMissingInitializerIsNamed() {
        OnnxMl.ModelProto.Builder model = AllOpsGraph.model().toBuilder();
        OnnxMl.GraphProto.Builder graph = model.getGraphBuilder();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            if (graph.getInitializer(i).getName().equals("w2")) {
                graph.removeInitializer(i);
                break;
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxBackbone.parse(model.build().toByteArray(), "m").layer(DataType.FLOAT));
        assertEquals("ONNX node 'grouped' (Conv): weight 'w2' is not among the model's initializers (a missing "
                + "initializer)", e.getMessage());
    }

    @Test
    void aWeightOfTheWrongSizeIsNamed() {
        OnnxMl.ModelProto.Builder model = AllOpsGraph.model().toBuilder();
        OnnxMl.GraphProto.Builder graph = model.getGraphBuilder();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            if (graph.getInitializer(i).getName().equals("wm")) {
                graph.setInitializer(i, graph.getInitializer(i).toBuilder().addDims(2));
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxBackbone.parse(model.build().toByteArray(), "m").layer(DataType.FLOAT));
        assertTrue(e.getMessage().startsWith("ONNX node 'matmul' (MatMul): tensor 'wm' holds 6 values but its shape "
                + "[2, 3, 2] needs 12"), e.getMessage());
    }

    @Test
    void aCorruptOrMissingFileIsNamed(@TempDir Path dir) throws IOException {
        byte[] model = resource("mobilenet-small.onnx");
        Path truncated = dir.resolve("truncated.onnx");
        Files.write(truncated, Arrays.copyOf(model, model.length / 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxBackbone.read(truncated));
        assertTrue(e.getMessage().startsWith(truncated + " is not an ONNX model (corrupt or truncated"),
                e.getMessage());
        Path text = Files.writeString(dir.resolve("text.onnx"), "not a model");
        assertThrows(IllegalArgumentException.class, () -> OnnxBackbone.read(text));
        e = assertThrows(IllegalArgumentException.class, () -> OnnxBackbone.read(dir.resolve("absent.onnx")));
        assertEquals("ONNX model file " + dir.resolve("absent.onnx") + " does not exist or is not a file",
                e.getMessage());
    }
}
