package org.dml4j.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.dml4j.loss.ContrastiveLoss;
import org.dml4j.model.EmbeddingModel;
import org.dml4j.nn.Dense;
import org.dml4j.nn.EmbeddingNetwork;
import org.dml4j.nn.Layer;
import org.dml4j.nn.NetworkSpecs;
import org.dml4j.nn.optim.Adam;
import org.dml4j.sampling.MPerClassSampler;
import org.dml4j.testutil.Clusters;
import org.dml4j.train.MetricLearningTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.ONNXExportable;
import org.tribuo.classification.Label;
import org.tribuo.util.onnx.ONNXContext;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exported embedding networks run in onnxruntime (its Java API, from tribuo-onnx) and give DML4J's embeddings.
 */
class OnnxExportTest {

    /** 64 features: an MLP's input and a 1×8×8 image for the convolutional networks. */
    private static final MutableDataset<Label> DATA = Clusters.dataset(3, 16, 64, 1.0, 7);

    /** Trains two epochs, so batch-norm statistics and weights are not their initial values. */
    static EmbeddingModel train(String network) {
        return train(network, DATA);
    }

    /** Trains two epochs on {@code data}. */
    static EmbeddingModel train(String network, MutableDataset<Label> data) {
        return new MetricLearningTrainer(NetworkSpecs.parse(network), new ContrastiveLoss(), null,
                new MPerClassSampler(4), new Adam(), 2, 12, 1e-2, 3).train(data);
    }

    static float[][] onnxRuntime(OnnxMl.ModelProto proto, float[][] input) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(proto.toByteArray(), new OrtSession.SessionOptions());
             OnnxTensor tensor = OnnxTensor.createTensor(env, input);
             OrtSession.Result result = session.run(Map.of(EmbeddingModel.ONNX_INPUT, tensor))) {
            return (float[][]) result.get(EmbeddingModel.ONNX_OUTPUT).orElseThrow().getValue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp:32,8", "mlp:32,16,8:activation=tanh,dropout=0.3,batch-norm=true",
            "mlp:8:normalize=false", "cnn:4,8,6:image=1x8x8", "resnet:4,8,6:image=1x8x8",
            "resnet:4,4,6:image=1x8x8,blocks=2,normalize=false"})
    void onnxRuntimeGivesDml4jEmbeddings(String network) throws OrtException {
        EmbeddingModel model = train(network);
        List<Example<Label>> examples = DATA.getData();
        INDArray expected = model.embed(DATA);
        float[][] actual = onnxRuntime(model.exportONNXModel("org.dml4j.test", 3), model.onnxInput(examples));
        assertEquals(examples.size(), actual.length);
        double worst = largestDifference(actual, expected);
        assertTrue(worst <= 1e-5, network + ": largest difference " + worst);
    }

    /** The largest absolute difference between onnxruntime's rows and DML4J's. */
    static double largestDifference(float[][] actual, INDArray expected) {
        double worst = 0;
        for (int i = 0; i < actual.length; i++) {
            for (int k = 0; k < actual[i].length; k++) {
                worst = Math.max(worst, Math.abs(actual[i][k] - expected.getDouble(i, k)));
            }
        }
        return worst;
    }

    @Test
    void theModelCarriesTribuosMetadataAndShapes() {
        EmbeddingModel model = train("cnn:4,8,6:image=1x8x8");
        OnnxMl.ModelProto proto = model.exportONNXModel("org.dml4j.test", 3);
        assertEquals("Tribuo", proto.getProducerName());
        assertEquals("org.dml4j.test", proto.getDomain());
        assertEquals(3, proto.getModelVersion());
        assertEquals(13, proto.getOpsetImport(0).getVersion());
        Map<String, String> metadata = proto.getMetadataPropsList().stream().collect(Collectors.toMap(
                OnnxMl.StringStringEntryProto::getKey, OnnxMl.StringStringEntryProto::getValue));
        assertEquals(model.serializeProvenance(model.getProvenance()),
                metadata.get(ONNXExportable.PROVENANCE_METADATA_FIELD));
        assertEquals(List.of(-1L, 64L), shape(proto.getGraph().getInput(0)));
        assertEquals(List.of(-1L, 6L), shape(proto.getGraph().getOutput(0)));
        assertEquals(EmbeddingModel.ONNX_INPUT, proto.getGraph().getInput(0).getName());
        assertEquals(EmbeddingModel.ONNX_OUTPUT, proto.getGraph().getOutput(0).getName());
        List<String> ops = proto.getGraph().getNodeList().stream().map(OnnxMl.NodeProto::getOpType).toList();
        assertTrue(ops.containsAll(List.of("Reshape", "Conv", "BatchNormalization", "Relu", "MaxPool", "Flatten",
                "Gemm", "ReduceL2", "Div")), ops.toString());
    }

    private static List<Long> shape(OnnxMl.ValueInfoProto value) {
        return value.getType().getTensorType().getShape().getDimList().stream()
                .map(d -> d.hasDimValue() ? d.getDimValue() : -1L).toList();
    }

    @Test
    void aLayerWithoutOnnxOperatorsIsNamed() {
        Layer custom = new Layer() {
            @Override
            public INDArray forward(INDArray input, boolean training) {
                return input;
            }

            @Override
            public INDArray backward(INDArray gradOutput) {
                return gradOutput;
            }

            @Override
            public Layer copy() {
                return this;
            }

            @Override
            public String toString() {
                return "MyCustomBlock";
            }
        };
        EmbeddingNetwork network = new EmbeddingNetwork(List.of(new Dense(4, 3, new SplittableRandom(1),
                DataType.FLOAT), custom));
        ONNXContext onnx = new ONNXContext();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NetworkGraph.write(network, onnx.floatInput(4)));
        assertTrue(e.getMessage().startsWith("Cannot export layer 1 (MyCustomBlock, "), e.getMessage());
    }
}
