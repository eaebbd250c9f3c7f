package org.dml4j.nn.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX model (a vision backbone exported from PyTorch or taken from a model zoo) read into DML4J's own trainable
 * layers: {@link #layer} builds a {@link GraphLayer} holding the model's weights, which DML4J's optimizers fine-tune
 * like any other network.
 * <p>
 * The model takes one {@code [batch, C, H, W]} image input with fixed {@code C, H, W} and has one output. Supported
 * operators: {@code Conv} (groups, strides, padding, dilations), {@code BatchNormalization}, {@code Relu},
 * {@code Clip}, {@code Sigmoid}, {@code Gelu}, {@code Erf}, {@code Sqrt}, {@code MaxPool}, {@code AveragePool},
 * {@code GlobalAveragePool}, {@code Add}/{@code Sub}/{@code Mul}/{@code Div}/{@code Pow}/{@code Max} (two inputs,
 * numpy broadcasting), {@code ReduceMean} (axes as an attribute, opset 13), {@code Softmax}, {@code Concat},
 * {@code Flatten}, {@code Reshape} (to a constant shape or a {@code Shape}'s output), {@code Transpose},
 * {@code Shape}, {@code Gemm}, {@code MatMul} (by a weight, or of two values with batch broadcasting),
 * {@code Identity} and {@code Constant}: the standard vision trunks, and layer normalization, GELU, multi-head
 * self-attention, GeM and attention pooling written out of basic operators (as DML4J's own exporter writes them).
 * Anything else, and attributes DML4J does not implement ({@code auto_pad}, {@code ceil_mode}), is an error naming
 * the node and its operator. Float32 and float64 weights load into the network's type; the weights of {@code Conv},
 * {@code BatchNormalization}, {@code Gemm} and {@code MatMul}, and initializers of more than one value read as an
 * operand of an element-wise operator or a {@code MatMul} (a layer normalization's scale and bias, a projection's
 * bias, a learned query) become parameters (batch-norm running statistics become buffers) under their ONNX
 * initializer names; scalar initializers (an epsilon, GeM's exponent) are constants, and an element-wise operator of
 * constants alone is folded at import.
 * <p>
 * Every model file is untrusted input: a file that is not an ONNX model, a truncated file, a missing initializer or a
 * weight of the wrong size is an error that names it.
 */
public final class OnnxBackbone {

    /** The metadata key marking a {@link GraphLayer#structure()}: weights without data load as zeros. */
    private static final String STRUCTURE_KEY = "dml4j.structure";

    private final OnnxMl.ModelProto model;
    private final String source;
    private final boolean structure;
    private final String input;
    private final String output;
    private final int[] imageShape;
    private long outputWidth = -1;

    private OnnxBackbone(OnnxMl.ModelProto model, String source) {
        model = withCopiedWeights(model);
        this.model = model;
        this.source = source;
        this.structure = model.getMetadataPropsList().stream().anyMatch(p -> p.getKey().equals(STRUCTURE_KEY));
        OnnxMl.GraphProto graph = model.getGraph();
        if (graph.getNodeCount() == 0) {
            throw new IllegalArgumentException(source + " is not an ONNX model with a graph: it has no nodes");
        }
        Set<String> initializers = new HashSet<>();
        graph.getInitializerList().forEach(t -> initializers.add(t.getName()));
        List<OnnxMl.ValueInfoProto> inputs = graph.getInputList().stream()
                .filter(v -> !initializers.contains(v.getName())).toList();
        if (inputs.size() != 1 || graph.getOutputCount() != 1) {
            throw new IllegalArgumentException(source + " has " + inputs.size() + " inputs and "
                    + graph.getOutputCount() + " outputs; DML4J imports a backbone with one image input and one "
                    + "output");
        }
        this.input = inputs.get(0).getName();
        this.output = graph.getOutput(0).getName();
        this.imageShape = imageShape(inputs.get(0));
    }

    /**
     * Undoes PyTorch's deduplication of equal initializers: its exporter keeps one of several equal weights (the
     * ones and zeros of freshly initialized batch norms) and computes the others with {@code Identity} nodes. Each
     * such node becomes an initializer of its own under the node's output name, a copy, so that every weight is
     * a parameter of its own as it was in PyTorch.
     */
    private static OnnxMl.ModelProto withCopiedWeights(OnnxMl.ModelProto model) {
        OnnxMl.GraphProto graph = model.getGraph();
        Map<String, OnnxMl.TensorProto> initializers = new HashMap<>();
        graph.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        OnnxMl.GraphProto.Builder copied = graph.toBuilder().clearNode();
        boolean changed = false;
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            OnnxMl.TensorProto shared = node.getOpType().equals("Identity") && node.getInputCount() == 1
                    && node.getOutputCount() == 1 ? initializers.get(node.getInput(0)) : null;
            if (shared == null) {
                copied.addNode(node);
            } else {
                copied.addInitializer(shared.toBuilder().setName(node.getOutput(0)));
                changed = true;
            }
        }
        return changed ? model.toBuilder().setGraph(copied).build() : model;
    }

    private int[] imageShape(OnnxMl.ValueInfoProto value) {
        List<OnnxMl.TensorShapeProto.Dimension> dims = value.getType().getTensorType().getShape().getDimList();
        int[] shape = new int[3];
        boolean fixed = dims.size() == 4;
        for (int i = 0; fixed && i < 3; i++) {
            shape[i] = (int) dims.get(i + 1).getDimValue();
            fixed = shape[i] > 0;
        }
        if (!fixed) {
            throw new IllegalArgumentException(source + ": input '" + value.getName() + "' must be an image batch "
                    + "[batch, C, H, W] with fixed C, H and W; export the model with a fixed image size");
        }
        return shape;
    }

    /**
     * Reads an ONNX model file.
     *
     * @param file the {@code .onnx} file
     * @return the backbone
     * @throws IllegalArgumentException if the file cannot be read or is not a supported ONNX model
     */
    public static OnnxBackbone read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("ONNX model file " + file + " does not exist or is not a file");
        }
        try {
            return parse(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read ONNX model file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses an ONNX model.
     *
     * @param bytes  the serialized {@code ModelProto}
     * @param source where the bytes came from, for messages
     * @return the backbone
     * @throws IllegalArgumentException if the bytes are not a supported ONNX model
     */
    public static OnnxBackbone parse(byte[] bytes, String source) {
        try {
            return new OnnxBackbone(OnnxMl.ModelProto.parseFrom(bytes), source);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(source + " is not an ONNX model (corrupt or truncated: "
                    + e.getMessage() + ")", e);
        }
    }

    /**
     * Reads back a {@link GraphLayer#structure()}, whose stripped weights load as zeros to be overwritten by stored
     * parameters.
     *
     * @param structure the structure
     * @param source    where it came from, for messages
     * @return the backbone
     */
    public static OnnxBackbone fromStructure(OnnxMl.ModelProto structure, String source) {
        if (structure.getMetadataPropsList().stream().noneMatch(p -> p.getKey().equals(STRUCTURE_KEY))) {
            throw new IllegalArgumentException(source + " is not a stored network structure");
        }
        return new OnnxBackbone(structure, source);
    }

    /** @return the input image shape {@code [C, H, W]} */
    public int[] imageShape() {
        return imageShape.clone();
    }

    /** @return the width of the flattened output of one image */
    public synchronized long outputWidth() {
        if (outputWidth < 0) {
            GraphLayer probe = layer(DataType.DOUBLE);
            INDArray image = Nd4j.zeros(DataType.DOUBLE, imageShape[0], 1, imageShape[1], imageShape[2]);
            outputWidth = probe.forward(image, false).columns();
        }
        return outputWidth;
    }

    /**
     * Builds the model as a trainable layer with the model's weights.
     *
     * @param type the parameters' type ({@link DataType#FLOAT} to train, {@link DataType#DOUBLE} for checks)
     * @return a new layer taking CNHW image batches ({@link org.dml4j.nn.Unflatten}'s output)
     * @throws IllegalArgumentException naming the first node that cannot be imported
     */
    public GraphLayer layer(DataType type) {
        OnnxMl.GraphProto graph = model.getGraph();
        GraphBuilder builder = new GraphBuilder(graph, type, structure);
        List<GraphLayer.Node> nodes = builder.nodes(graph, input);
        Integer out = builder.value(output);
        if (out == null || out == 0) {
            throw new IllegalArgumentException(source + ": output '" + output + "' is not computed by any node");
        }
        int values = nodes.size() + 1;
        return new GraphLayer(live(nodes, values, out), values, out, structure(builder.weights()));
    }

    /** The nodes the output depends on, in order. */
    private static List<GraphLayer.Node> live(List<GraphLayer.Node> nodes, int values, int output) {
        boolean[] needed = new boolean[values];
        needed[output] = true;
        List<GraphLayer.Node> kept = new ArrayList<>();
        for (int k = nodes.size() - 1; k >= 0; k--) {
            GraphLayer.Node node = nodes.get(k);
            if (needed[node.output()]) {
                kept.add(node);
                for (int v : node.inputs()) {
                    needed[v] = true;
                }
            }
        }
        Collections.reverse(kept);
        return kept;
    }

    private OnnxMl.ModelProto structure(Set<String> weights) {
        OnnxMl.GraphProto.Builder graph = model.getGraph().toBuilder();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            if (weights.contains(graph.getInitializer(i).getName())) {
                graph.setInitializer(i, OnnxTensors.stripped(graph.getInitializer(i)));
            }
        }
        OnnxMl.ModelProto.Builder b = model.toBuilder().setGraph(graph);
        if (!structure) {
            b.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(STRUCTURE_KEY).setValue("1"));
        }
        return b.build();
    }

    /**
     * The prefix of a message about a node.
     *
     * @param node   the node's name
     * @param opType its operator
     * @return {@code ONNX node 'NAME' (OP): }
     */
    static String where(String node, String opType) {
        return "ONNX node '" + node + "' (" + opType + "): ";
    }

    @Override
    public String toString() {
        return "OnnxBackbone(" + source + ", input " + imageShape[0] + "x" + imageShape[1] + "x" + imageShape[2] + ")";
    }
}
