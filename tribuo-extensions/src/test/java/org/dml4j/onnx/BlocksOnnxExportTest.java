package org.dml4j.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtException;
import org.dml4j.model.EmbeddingModel;
import org.dml4j.testutil.Clusters;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Networks with the attention and pooling blocks ({@code attnH} stages, {@code pool=gem|attention}), trained two
 * epochs, give DML4J's embeddings in onnxruntime within 1e-4.
 */
class BlocksOnnxExportTest {

    /** 64 features, a 1×8×8 image. */
    private static final MutableDataset<Label> DATA = Clusters.dataset(3, 16, 64, 1.0, 7);

    @ParameterizedTest
    @ValueSource(strings = {"cnn:4,attn2,6,8:image=1x8x8,pool=attention2", "resnet:4,attn4,8,6:image=1x8x8,pool=gem",
            "cnn:4,6:image=1x8x8,pool=gem,normalize=false", "resnet:4,attn1,6:image=1x8x8,pool=attention"})
    void onnxRuntimeGivesDml4jEmbeddings(String network) throws OrtException {
        EmbeddingModel model = OnnxExportTest.train(network, DATA);
        OnnxMl.ModelProto proto = model.exportONNXModel("org.dml4j.test", 1);
        INDArray expected = model.embed(DATA);
        float[][] actual = OnnxExportTest.onnxRuntime(proto, model.onnxInput(DATA.getData()));
        assertEquals(DATA.size(), actual.length);
        double worst = OnnxExportTest.largestDifference(actual, expected);
        assertTrue(worst <= 1e-4, network + ": largest difference " + worst);
        List<String> ops = proto.getGraph().getNodeList().stream().map(OnnxMl.NodeProto::getOpType).toList();
        List<String> blockOps = network.contains("attn") ? List.of("MatMul", "Softmax", "Transpose", "ReduceMean",
                "Sqrt", "Erf") : List.of("Pow", "GlobalAveragePool");
        assertTrue(ops.containsAll(blockOps), ops.toString());
    }
}
