package org.dml4j.nn.onnx;

import ai.onnx.proto.OnnxMl;
import org.dml4j.nn.Backbone;
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
 * can be addressed by them. As a {@link Backbone} its first layers can be frozen ({@link #freeze}), with their batch
 * normalizations in inference mode ({@link #freezeBatchNorm}), and the whole graph held frozen by a fine-tuning
 * schedule. Created by {@link OnnxBackbone#layer}.
 */
public final class GraphLayer implements Backbone {

    private static final String BATCH_NORMALIZATION = "BatchNormalization";

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
    private boolean freezeBatchNorm;
    private boolean held;
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
        boolean[] frozen = frozenFlags();
        INDArray[] v = new INDArray[values];
        v[0] = input;
        for (int k = 0; k < nodes.size(); k++) {
            Node node = nodes.get(k);
            INDArray[] in = new INDArray[node.inputs().length];
            for (int i = 0; i < in.length; i++) {
                in[i] = v[node.inputs()[i]];
            }
            boolean inferenceOnly = freezeBatchNorm && frozen[k] && node.opType().equals(BATCH_NORMALIZATION);
            try {
                v[node.output()] = node.op().forward(in, training && !inferenceOnly);
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

    /**
     * Back-propagates through the nodes that lead from a trained parameter (or, when {@code inputGradient}, from the
     * input) to the output; the others, a frozen stem among them, are skipped.
     */
    @Override
    public INDArray backward(INDArray gradOutput, boolean inputGradient) {
        ForwardCheck.require(forwardValues, "GraphLayer");
        boolean[] frozen = frozenFlags();
        boolean[] needed = new boolean[values];
        needed[0] = inputGradient;
        for (int k = 0; k < nodes.size(); k++) {
            Node node = nodes.get(k);
            needed[node.output()] = !frozen[k] && !node.op().parameters().isEmpty();
            for (int v : node.inputs()) {
                needed[node.output()] |= needed[v];
            }
        }
        INDArray[] grads = new INDArray[values];
        grads[output] = unflattenedShape == null ? gradOutput
                : Layouts.fromOnnx(gradOutput.reshape('c', Layouts.onnxShape(unflattenedShape)));
        for (int k = nodes.size() - 1; k >= 0; k--) {
            Node node = nodes.get(k);
            INDArray g = grads[node.output()];
            grads[node.output()] = null;
            if (g == null || !needed[node.output()]) {
                continue;
            }
            boolean[] wanted = new boolean[node.inputs().length];
            for (int i = 0; i < wanted.length; i++) {
                wanted[i] = needed[node.inputs()[i]];
            }
            INDArray[] inputGrads = node.op().backward(g, wanted);
            for (int i = 0; i < wanted.length; i++) {
                int value = node.inputs()[i];
                if (wanted[i] && inputGrads[i] != null) {
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
     * normalization in a frozen node still normalizes with batch statistics in training and updates its running ones,
     * unless {@link #freezeBatchNorm} is set.
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

    /**
     * Sets whether the batch normalizations of frozen nodes run in inference mode also in training: normalizing with
     * their running statistics and leaving them unchanged, so a frozen part of the graph is a fixed function (as
     * PyTorch's {@code FrozenBatchNorm2d}, or a frozen module left in {@code eval()} mode). Off by default.
     *
     * @param frozenStatistics whether frozen batch normalizations keep their statistics
     * @return this layer
     */
    public GraphLayer freezeBatchNorm(boolean frozenStatistics) {
        freezeBatchNorm = frozenStatistics;
        return this;
    }

    @Override
    public void holdFrozen(boolean held) {
        this.held = held;
    }

    @Override
    public boolean frozen() {
        return parameters().isEmpty();
    }

    @Override
    public boolean fixedWhenFrozen() {
        return freezeBatchNorm || nodes.stream().noneMatch(n -> n.opType().equals(BATCH_NORMALIZATION));
    }

    /** Whether each node is frozen now: the first {@code frozenNodes} with parameters, or all while held. */
    private boolean[] frozenFlags() {
        int limit = held ? Integer.MAX_VALUE : frozenNodes;
        boolean[] frozen = new boolean[nodes.size()];
        int weighted = 0;
        for (int k = 0; k < nodes.size(); k++) {
            if (!nodes.get(k).op().parameters().isEmpty()) {
                frozen[k] = weighted++ < limit;
            }
        }
        return frozen;
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
        boolean[] isFrozen = frozenFlags();
        Map<String, INDArray> all = new LinkedHashMap<>();
        for (int k = 0; k < nodes.size(); k++) {
            if (frozen == null || frozen == isFrozen[k]) {
                all.putAll(part.apply(nodes.get(k).op()));
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

    /**
     * The imported model with the current values of its trainable weights and buffers in place of the imported ones:
     * what onnxruntime runs to compute the same features as this layer's inference.
     *
     * @return the serialized ONNX model
     */
    @Override
    public byte[] onnxModel() {
        Map<String, INDArray> state = new LinkedHashMap<>(collect(GraphOp::parameters, null));
        state.putAll(collect(GraphOp::buffers, null));
        OnnxMl.GraphProto.Builder graph = structure.getGraph().toBuilder();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            INDArray value = state.get(graph.getInitializer(i).getName());
            if (value != null) {
                graph.setInitializer(i, OnnxTensors.filled(graph.getInitializer(i), value));
            }
        }
        return structure.toBuilder().setGraph(graph).build().toByteArray();
    }

    @Override
    public Layer copy() {
        List<Node> copies = new ArrayList<>(nodes.size());
        for (Node node : nodes) {
            copies.add(new Node(node.name(), node.opType(), node.op().copy(), node.inputs(), node.output()));
        }
        GraphLayer copy = new GraphLayer(copies, values, output, structure).freeze(frozenNodes)
                .freezeBatchNorm(freezeBatchNorm);
        copy.held = held;
        return copy;
    }

    @Override
    public String toString() {
        return "GraphLayer(" + nodes.size() + " nodes)";
    }
}
