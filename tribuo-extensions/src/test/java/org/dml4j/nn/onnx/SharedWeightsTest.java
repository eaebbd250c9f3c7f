package org.dml4j.nn.onnx;

import ai.onnx.proto.OnnxMl;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PyTorch's exporter keeps one of several equal weights (a fresh network's batch-norm ones) and computes the others
 * with {@code Identity} nodes: each becomes a parameter of its own, trained apart, and written back to ONNX under its
 * name.
 */
class SharedWeightsTest {

    @Test
    void anIdentityOfAnInitializerIsAWeightOfItsOwn() throws IOException {
        OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(OnnxBackboneTest.resource("mobilenet-small.onnx"));
        // as PyTorch writes equal weights: a later batch norm's scale computed as Identity(stem.1.weight)
        OnnxMl.GraphProto.Builder graph = model.getGraph().toBuilder();
        OnnxMl.TensorProto stemScale = graph.getInitializerList().stream()
                .filter(t -> t.getName().equals("stem.1.weight")).findFirst().orElseThrow();
        int dropped = -1;
        for (int i = 0; i < graph.getInitializerCount() && dropped < 0; i++) {
            OnnxMl.TensorProto t = graph.getInitializer(i);
            if (t.getName().endsWith(".weight") && !t.getName().equals("stem.1.weight")
                    && t.getDimsList().equals(stemScale.getDimsList())) {
                dropped = i;
            }
        }
        String name = graph.getInitializer(dropped).getName();
        graph.removeInitializer(dropped);
        graph.addNode(0, OnnxMl.NodeProto.newBuilder().setOpType("Identity").setName("Identity_0")
                .addInput("stem.1.weight").addOutput(name));
        byte[] bytes = model.toBuilder().setGraph(graph).build().toByteArray();

        GraphLayer layer = OnnxBackbone.parse(bytes, "shared.onnx").layer(DataType.FLOAT);
        Map<String, INDArray> parameters = layer.parameters();
        INDArray stem = parameters.get("stem.1.weight");
        INDArray copy = parameters.get(name);
        assertEquals(stem, copy);
        copy.addi(1);
        assertNotEquals(stem, copy, "the two weights are separate parameters");

        OnnxMl.GraphProto written = OnnxMl.ModelProto.parseFrom(layer.onnxModel()).getGraph();
        assertTrue(written.getNodeList().stream().noneMatch(n -> n.getOpType().equals("Identity")));
        OnnxMl.TensorProto copied = written.getInitializerList().stream()
                .filter(t -> t.getName().equals(name)).findFirst().orElseThrow();
        assertEquals(copy, OnnxTensors.array(copied, DataType.FLOAT));
    }
}
