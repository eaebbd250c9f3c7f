package org.dml4j.nn.onnx;

import ai.onnx.proto.OnnxMl;
import org.dml4j.nn.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * An imported ONNX graph as one trainable {@link Layer}: its nodes run in the file's topological order over numbered
 * values (value 0 is the graph's input, a CNHW image batch), and the backward pass visits them in reverse, summing
 * the gradients of a value read by several nodes (a residual connection, a concatenation). The output is
 * {@code [batch, features]}: an image-batch output is flattened in ONNX's NCHW order. Parameters, gradients and
 * buffers carry the ONNX initializer names ({@code conv1.weight}, {@code bn1.running_mean}), so a part of the network
 * can be addressed by them. Created by {@link OnnxBackbone#layer}.
 */
public final class GraphLayer implements Layer {

    /**
     * One node: its operation, the values it reads and the value it writes.
     *
     * @param name   the ONNX node name (or its output's name when the node has none), for messages
     * @param opType the ONNX operator
     * @param op     the operation
     * @param inputs the values it reads
     * @param output the value it writes
     */
    record Node(String name, String opType, GraphOp op, int[] inputs, int output) {
    }

    private final List<Node> nodes;
    private final int values;
    private final int output;
    private final OnnxMl.ModelProto structure;
    private int frozenNodes;
    private INDArray[] forwardValues;
    private long[] unflattenedShape;

    /**
     * @param nodes     the nodes in topological order
     * @param values    the number of values
     * @param output    the graph's output value
     * @param structure the ONNX model without its trainable weights ({@link #structure()})
     */
    GraphLayer(List<Node> nodes, int values, int output, OnnxMl.ModelProto structure) {
        this.nodes = List.copyOf(nodes);
        this.values = values;
        this.output = output;
        this.structure = structure;
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        INDArray[] v = new INDArray[values];
        v[0] = input;
        for (Node node : nodes) {
            INDArray[] in = new INDArray[node.inputs().length];
            for (int i = 0; i < in.length; i++) {
                in[i] = v[node.inputs()[i]];
            }
            try {
                v[node.output()] = node.op().forward(in, training);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(OnnxBackbone.where(node.name(), node.opType()) + e.getMessage(), e);
            }
        }
        forwardValues = v;
        INDArray out = v[output];
        unflattenedShape = out.rank() == 4 ? out.shape() : null;
        return unflattenedShape == null ? out : Layouts.toOnnx(out).reshape('c', out.size(1), out.length()
                / out.size(1));
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        return backward(gradOutput, true);
    }

    @Override
    public INDArray backward(INDArray gradOutput, boolean inputGradient) {
        ForwardCheck.require(forwardValues, "GraphLayer");
        INDArray[] grads = new INDArray[values];
        grads[output] = unflattenedShape == null ? gradOutput
                : Layouts.fromOnnx(gradOutput.reshape('c', Layouts.onnxShape(unflattenedShape)));
        for (int k = nodes.size() - 1; k >= 0; k--) {
            Node node = nodes.get(k);
            INDArray g = grads[node.output()];
            grads[node.output()] = null;
            boolean[] wanted = new boolean[node.inputs().length];
            for (int i = 0; i < wanted.length; i++) {
                wanted[i] = node.inputs()[i] != 0 || inputGradient;
            }
            INDArray[] inputGrads = node.op().backward(g, wanted);
            for (int i = 0; i < wanted.length; i++) {
                int value = node.inputs()[i];
                if (inputGrads[i] != null) {
                    grads[value] = grads[value] == null ? inputGrads[i] : grads[value].add(inputGrads[i]);
                }
            }
        }
        forwardValues = null;
        return grads[0];
    }

    /**
     * Freezes the parameters of the first {@code weightedNodes} nodes that have any (in the graph's topological
     * order, so the stem first): they are no longer trained but kept, saved and loaded as {@link #buffers()}. Batch
     * normalization in a frozen node still normalizes with batch statistics in training and updates its running ones.
     *
     * @param weightedNodes how many nodes with parameters to freeze; {@link Integer#MAX_VALUE} for all
     * @return this layer
     */
    public GraphLayer freeze(int weightedNodes) {
        if (weightedNodes < 0) {
            throw new IllegalArgumentException("cannot freeze " + weightedNodes + " layers");
        }
        frozenNodes = weightedNodes;
        return this;
    }

    @Override
    public Map<String, INDArray> parameters() {
        return collect(GraphOp::parameters, false);
    }

    @Override
    public Map<String, INDArray> gradients() {
        return collect(GraphOp::gradients, false);
    }

    @Override
    public Map<String, INDArray> buffers() {
        Map<String, INDArray> all = new LinkedHashMap<>(collect(GraphOp::buffers, null));
        all.putAll(collect(GraphOp::parameters, true));
        return Collections.unmodifiableMap(all);
    }

    /** A part of the nodes' state: of the frozen nodes only, of the others only, or (null) of all. */
    private Map<String, INDArray> collect(Function<GraphOp, Map<String, INDArray>> part, Boolean frozen) {
        Map<String, INDArray> all = new LinkedHashMap<>();
        int weighted = 0;
        for (Node node : nodes) {
            boolean isFrozen = false;
            if (!node.op().parameters().isEmpty()) {
                isFrozen = weighted++ < frozenNodes;
            }
            if (frozen == null || frozen == isFrozen) {
                all.putAll(part.apply(node.op()));
            }
        }
        return Collections.unmodifiableMap(all);
    }

    /**
     * The imported model with the data of its trainable weights and buffers removed (their names, types and shapes
     * kept), which {@link OnnxBackbone#fromStructure} turns back into this graph with zeros in their place: what a
     * saved model stores next to the current parameters.
     *
     * @return the model's structure
     */
    public OnnxMl.ModelProto structure() {
        return structure;
    }

    @Override
    public Layer copy() {
        List<Node> copies = new ArrayList<>(nodes.size());
        for (Node node : nodes) {
            copies.add(new Node(node.name(), node.opType(), node.op().copy(), node.inputs(), node.output()));
        }
        return new GraphLayer(copies, values, output, structure).freeze(frozenNodes);
    }

    @Override
    public String toString() {
        return "GraphLayer(" + nodes.size() + " nodes)";
    }
}
