package org.dml4j.nn;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.dml4j.loss.ContrastiveLoss;
import org.dml4j.model.EmbeddingModel;
import org.dml4j.nn.onnx.OnnxBackbone;
import org.dml4j.nn.optim.Adam;
import org.dml4j.sampling.MPerClassSampler;
import org.dml4j.testutil.Clusters;
import org.dml4j.train.MetricLearningTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DML4J networks with the attention and pooling blocks ({@code attnH} stages, {@code pool=gem|attention}), exported
 * by DML4J's ONNX writer and imported back by {@link OnnxBackbone} as generic operators (Softmax, Transpose,
 * ReduceMean, Sqrt, Pow, Max, MatMul of two values, Shape): the imported network gives the original's embeddings and
 * onnxruntime's within 1e-4 in float32, its gradients match finite differences in float64, it fine-tunes (the layer
 * norms' scales, the attention projections and the pooling query among its parameters) and loads without its file;
 * the new operators' unsupported forms are errors naming the node.
 */
class ImportedBlocksTest {

    /** 64 features, a 1×8×8 image. */
    private static final MutableDataset<Label> DATA = Clusters.dataset(3, 8, 64, 1.0, 7);
    private static final String ATTENTION = "cnn:4,attn2,6:image=1x8x8,pool=attention2,normalize=false";
    private static final String GEM = "resnet:4,attn1,6:image=1x8x8,pool=gem,normalize=false";

    /** Trains two epochs, so no weight keeps its initial value. */
    private static EmbeddingModel train(String network) {
        return new MetricLearningTrainer(NetworkSpecs.parse(network), new ContrastiveLoss(), null,
                new MPerClassSampler(4), new Adam(), 2, 12, 1e-2, 3).train(DATA);
    }

    /**
     * The exported model as a backbone: its leading Reshape of the {@code [batch, 64]} features dropped, its output
     * the image input.
     */
    private static byte[] backbone(OnnxMl.ModelProto model) {
        OnnxMl.GraphProto graph = model.getGraph();
        OnnxMl.NodeProto reshape = graph.getNode(0);
        assertEquals("Reshape", reshape.getOpType());
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
        for (long d : new long[]{1, 8, 8}) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        OnnxMl.ValueInfoProto input = graph.getInput(0).toBuilder().setName(reshape.getOutput(0))
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(graph.getInput(0).getType().getTensorType()
                        .toBuilder().setShape(shape))).build();
        return model.toBuilder().setGraph(graph.toBuilder().removeNode(0).setInput(0, input)).build().toByteArray();
    }

    private static float[][] onnxRuntime(OnnxMl.ModelProto proto, float[][] input) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(proto.toByteArray(), new OrtSession.SessionOptions());
             OnnxTensor tensor = OnnxTensor.createTensor(env, input);
             OrtSession.Result result = session.run(Map.of(EmbeddingModel.ONNX_INPUT, tensor))) {
            return (float[][]) result.get(EmbeddingModel.ONNX_OUTPUT).orElseThrow().getValue();
        }
    }

    private static EmbeddingNetwork imported(byte[] model, String source, DataType type) {
        return new EmbeddingNetwork(List.of(new Unflatten(1, 8, 8), OnnxBackbone.parse(model, source).layer(type)));
    }

    @ParameterizedTest
    @ValueSource(strings = {ATTENTION, GEM})
    void theImportGivesDml4jsAndOnnxRuntimesEmbeddings(String network) throws OrtException {
        EmbeddingModel model = train(network);
        OnnxMl.ModelProto proto = model.exportONNXModel("org.dml4j.test", 1);
        float[][] rows = model.onnxInput(DATA.getData());
        float[][] runtime = onnxRuntime(proto, rows);
        INDArray original = model.embed(DATA);
        INDArray embedded = imported(backbone(proto), network, DataType.FLOAT).forward(Nd4j.createFromArray(rows),
                false);
        assertArrayEquals(original.shape(), embedded.shape(), network);
        double largest = 0;
        for (int i = 0; i < runtime.length; i++) {
            for (int k = 0; k < runtime[i].length; k++) {
                assertEquals(original.getDouble(i, k), embedded.getDouble(i, k), 1e-4, network + " [" + i + ", "
                        + k + "] against DML4J");
                assertEquals(runtime[i][k], embedded.getDouble(i, k), 1e-4, network + " [" + i + ", " + k
                        + "] against onnxruntime");
                largest = Math.max(largest, Math.abs(runtime[i][k]));
            }
        }
        assertTrue(largest > 1e-2, network + ": outputs are all near zero, the comparison would prove little");
    }

    @ParameterizedTest
    @ValueSource(strings = {ATTENTION, GEM})
    void theImportsGradientsMatchFiniteDifferences(String network) {
        byte[] model = backbone(train(network).exportONNXModel("org.dml4j.test", 1));
        GradientCheck.check(imported(model, network, DataType.DOUBLE), GradientCheck.normal(3, 2, 64), true);
    }

    @Test
    void anImportedAttentionNetworkFineTunes(@TempDir Path dir) throws IOException {
        Path onnx = Files.write(dir.resolve("attention.onnx"), backbone(train(ATTENTION)
                .exportONNXModel("org.dml4j.test", 1)));
        Map<String, INDArray> before = OnnxBackbone.read(onnx).layer(DataType.FLOAT).parameters();
        EmbeddingModel tuned = new MetricLearningTrainer(NetworkSpecs.parse("onnx:" + onnx + ":embedding=4"),
                new ContrastiveLoss(), null, new MPerClassSampler(4), new Adam(), 1, 12, 1e-2, 5).train(DATA);
        Map<String, INDArray> after = tuned.network().parameters();
        List<String> blocks = before.keySet().stream().filter(k -> k.contains("norm1_weight")
                || k.contains("in_proj_q_weight") || k.contains("query") || k.contains("out_proj_bias")).toList();
        assertTrue(blocks.size() >= 4, before.keySet().toString());
        for (String name : blocks) {
            assertTrue(after.containsKey("1." + name), name + " is not trained: " + after.keySet());
            assertFalse(before.get(name).equalsWithEps(after.get("1." + name), 1e-7), name + " was not fine-tuned");
        }

        Path saved = dir.resolve("model.dml4j");
        tuned.serializeToFile(saved);
        Files.delete(onnx);
        EmbeddingModel loaded = (EmbeddingModel) Model.deserializeFromFile(saved).castModel(Label.class);
        assertEquals(tuned.embed(DATA), loaded.embed(DATA));
    }

    /** The exported attention network's backbone with its first node of {@code opType} changed by {@code edit}. */
    private static byte[] edited(String opType, UnaryOperator<OnnxMl.NodeProto.Builder> edit)
            throws IOException {
        OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.parseFrom(backbone(train(ATTENTION)
                .exportONNXModel("org.dml4j.test", 1))).toBuilder();
        OnnxMl.GraphProto.Builder graph = model.getGraphBuilder();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            if (graph.getNode(i).getOpType().equals(opType)) {
                graph.setNode(i, edit.apply(graph.getNode(i).toBuilder().setName("edited")));
                return model.build().toByteArray();
            }
        }
        throw new AssertionError("no " + opType + " node");
    }

    @Test
    void unsupportedFormsOfTheNewOperatorsAreNamedWithTheirNode() throws IOException {
        byte[] axesInput = edited("ReduceMean", n -> n.clearAttribute().addInput("axes"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxBackbone.parse(axesInput, "m").layer(DataType.FLOAT));
        assertEquals("ONNX node 'edited' (ReduceMean): expects one input with 'axes' as an attribute (opset 13), "
                + "found 2 inputs", e.getMessage());

        byte[] badPerm = edited("Transpose", n -> n.setAttribute(0, n.getAttribute(0).toBuilder().clearInts()
                .addAllInts(List.of(0L, 1L, 1L))));
        EmbeddingNetwork net = imported(badPerm, "m", DataType.FLOAT);
        e = assertThrows(IllegalArgumentException.class, () -> net.forward(Nd4j.rand(DataType.FLOAT, 2, 64), false));
        assertEquals("ONNX node 'edited' (Transpose): perm [0, 1, 1] is not a permutation of the 3 axes",
                e.getMessage());

        byte[] softmaxAttribute = edited("Softmax", n -> n.addAttribute(OnnxMl.AttributeProto.newBuilder()
                .setName("stash_type").setType(OnnxMl.AttributeProto.AttributeType.INT).setI(1)));
        e = assertThrows(IllegalArgumentException.class,
                () -> OnnxBackbone.parse(softmaxAttribute, "m").layer(DataType.FLOAT));
        assertEquals("ONNX node 'edited' (Softmax): attribute 'stash_type' is not supported (supported: [axis])",
                e.getMessage());
    }
}
