package org.dml4j.nn.onnx;

import ai.onnx.proto.OnnxMl;
import org.dml4j.nn.BatchNorm1d;
import org.dml4j.nn.BatchNorm2d;
import org.dml4j.nn.Conv2d;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Turns the nodes of an ONNX graph into {@link GraphOp}s over numbered values: the weights of {@code Conv},
 * {@code BatchNormalization}, {@code Gemm} and {@code MatMul}, and the initializers of more than one value that an
 * element-wise operator or a {@code MatMul} reads as an operand (a layer normalization's scale and bias, a bias added
 * after a {@code MatMul}, a learned query), become the network's parameters and buffers under their initializer names;
 * other initializers (scalars) and {@code Constant} outputs are constants the operators read when built, and an
 * element-wise operator of constants alone is folded into a constant.
 */
final class GraphBuilder {

    private static final Set<String> CONV = Set.of("auto_pad", "dilations", "group", "kernel_shape", "pads", "strides");
    private static final Set<String> MAX_POOL = Set.of("auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads",
            "storage_order", "strides");
    private static final Set<String> AVERAGE_POOL = Set.of("auto_pad", "ceil_mode", "count_include_pad",
            "kernel_shape", "pads", "strides");
    private static final Set<String> BATCH_NORM = Set.of("epsilon", "momentum", "training_mode");
    private static final Set<String> GEMM = Set.of("alpha", "beta", "transA", "transB");

    private final DataType type;
    private final boolean stripped;
    private final Map<String, OnnxMl.TensorProto> initializers = new HashMap<>();
    private final Map<String, OnnxMl.TensorProto> constants = new HashMap<>();
    private final Map<String, Integer> values = new HashMap<>();
    private final Set<String> weights = new HashSet<>();
    private final Map<String, Binary.Constant> folded = new HashMap<>();
    private final List<GraphLayer.Node> nodes = new ArrayList<>();

    /**
     * @param graph    the graph
     * @param type     the network's type
     * @param stripped whether weights without data are zeros (a stored structure) rather than an error
     */
    GraphBuilder(OnnxMl.GraphProto graph, DataType type, boolean stripped) {
        this.type = type;
        this.stripped = stripped;
        for (OnnxMl.TensorProto t : graph.getInitializerList()) {
            initializers.put(t.getName(), t);
        }
    }

    /**
     * Builds the graph's nodes.
     *
     * @param graph the graph, its input the network's input
     * @param input the name of the graph's input
     * @return the nodes, each node's output numbered after its inputs; value 0 is the input
     */
    List<GraphLayer.Node> nodes(OnnxMl.GraphProto graph, String input) {
        values.put(input, 0);
        for (OnnxMl.NodeProto proto : graph.getNodeList()) {
            NodeReader node = new NodeReader(proto);
            if (proto.getOpType().equals("Constant")) {
                constant(node, proto);
                continue;
            }
            List<Integer> in = new ArrayList<>();
            GraphOp op = op(node, proto, in);
            if (op != null) {
                add(node, proto.getOutput(0), op, in);
            }
        }
        return nodes;
    }

    private void add(NodeReader node, String output, GraphOp op, List<Integer> in) {
        if (values.containsKey(output) || folded.containsKey(output)) {
            throw node.error("its output must be a new value name");
        }
        values.put(output, values.size());
        nodes.add(new GraphLayer.Node(node.name(), node.opType(), op, in.stream().mapToInt(Integer::intValue).toArray(),
                values.size() - 1));
    }

    /**
     * @param name a value's name
     * @return its number, or null if no node computes it
     */
    Integer value(String name) {
        return values.get(name);
    }

    /** @return the names of the initializers loaded as parameters or buffers */
    Set<String> weights() {
        return weights;
    }

    private void constant(NodeReader node, OnnxMl.NodeProto proto) {
        node.allow(Set.of("value"));
        node.outputs(1);
        OnnxMl.TensorProto value = node.tensor("value");
        if (value == null) {
            throw node.error("only the 'value' form of Constant is supported");
        }
        constants.put(proto.getOutput(0), value);
    }

    private GraphOp op(NodeReader node, OnnxMl.NodeProto proto, List<Integer> in) {
        String op = proto.getOpType();
        if (!proto.getDomain().isEmpty() && !proto.getDomain().equals("ai.onnx")) {
            throw node.error("operator domain '" + proto.getDomain() + "' is not supported (only the default ONNX "
                    + "domain)");
        }
        switch (op) {
            case "Conv":
                return conv(node, proto, in);
            case "BatchNormalization":
                return batchNorm(node, proto, in);
            case "MaxPool":
            case "AveragePool":
                return pool(node, proto, in);
            case "Gemm":
                return linear(node, proto, in);
            case "MatMul":
                return matMul(node, proto, in);
            case "Add":
            case "Sub":
            case "Mul":
            case "Div":
            case "Pow":
            case "Max":
                return binary(node, proto, in);
            case "Concat":
                node.allow(Set.of("axis"));
                for (String name : proto.getInputList()) {
                    in.add(valueInput(node, name));
                }
                if (node.integer("axis", Long.MIN_VALUE) == Long.MIN_VALUE) {
                    throw node.error("needs the 'axis' attribute");
                }
                return new Concat((int) node.integer("axis", 0));
            default:
                break;
        }
        node.outputs(1);
        if (proto.getInputCount() < 1) {
            throw node.error("needs an input");
        }
        in.add(valueInput(node, proto.getInput(0)));
        return switch (op) {
            case "Relu" -> unary(node, proto, Unary.relu());
            case "Sigmoid" -> unary(node, proto, Unary.sigmoid());
            case "Erf" -> unary(node, proto, Unary.erf());
            case "Identity" -> unary(node, proto, Unary.identity());
            case "Sqrt" -> unary(node, proto, Unary.sqrt());
            case "Softmax" -> {
                node.allow(Set.of("axis"));
                yield new Softmax((int) node.integer("axis", -1));
            }
            case "Transpose" -> {
                node.allow(Set.of("perm"));
                yield new Transpose(node.integers("perm"));
            }
            case "ReduceMean" -> {
                node.allow(Set.of("axes", "keepdims"));
                if (proto.getInputCount() != 1) {
                    throw node.error("expects one input with 'axes' as an attribute (opset 13), found "
                            + proto.getInputCount() + " inputs");
                }
                yield new ReduceMean(node.integers("axes"), node.integer("keepdims", 1) != 0);
            }
            case "Shape" -> {
                node.allow(Set.of());
                yield new Shape();
            }
            case "Gelu" -> {
                node.allow(Set.of("approximate"));
                if (!node.text("approximate", "none").equals("none")) {
                    throw node.error("approximate='" + node.text("approximate", "") + "' is not supported (only the "
                            + "exact 'none')");
                }
                yield unary(node, proto, Unary.gelu());
            }
            case "Clip" -> clip(node, proto);
            case "GlobalAveragePool" -> {
                node.allow(Set.of());
                yield new GlobalAveragePool();
            }
            case "Flatten" -> {
                node.allow(Set.of("axis"));
                int axis = (int) node.integer("axis", 1);
                yield new Reshape("Flatten", (shape, unused) -> flatten(shape, axis));
            }
            case "Reshape" -> reshape(node, proto, in);
            default -> throw node.error("operator " + op + " is not supported; DML4J imports Conv, "
                    + "BatchNormalization, Relu, Clip, Sigmoid, Gelu, Erf, Sqrt, MaxPool, AveragePool, "
                    + "GlobalAveragePool, Add, Sub, Mul, Div, Pow, Max, ReduceMean, Softmax, Concat, Flatten, Reshape, "
                    + "Transpose, Shape, Gemm, MatMul, Identity and Constant");
        };
    }

    private static GraphOp unary(NodeReader node, OnnxMl.NodeProto proto, Unary op) {
        if (!node.opType().equals("Gelu")) {
            node.allow(Set.of());
        }
        if (proto.getInputCount() != 1) {
            throw node.error("expects one input, found " + proto.getInputCount());
        }
        return op;
    }

    private GraphOp conv(NodeReader node, OnnxMl.NodeProto proto, List<Integer> in) {
        node.allow(CONV);
        node.outputs(1);
        noAutoPad(node);
        if (proto.getInputCount() < 2) {
            throw node.error("needs an input and a weight");
        }
        in.add(valueInput(node, proto.getInput(0)));
        INDArray weight = weight(node, proto.getInput(1));
        if (weight.rank() != 4) {
            throw node.error("weight '" + proto.getInput(1) + "' has rank " + weight.rank() + "; only 2-D "
                    + "convolutions ([out, in/groups, kh, kw]) are supported");
        }
        String biasName = proto.getInputCount() > 2 && !proto.getInput(2).isEmpty() ? proto.getInput(2) : null;
        INDArray bias = biasName == null ? null : weight(node, biasName);
        int kh = (int) weight.size(2);
        int kw = (int) weight.size(3);
        int[] kernel = node.integers("kernel_shape", kh, kw);
        if (kernel[0] != kh || kernel[1] != kw) {
            throw node.error("kernel_shape " + kernel[0] + "x" + kernel[1] + " does not match the weight's " + kh
                    + "x" + kw);
        }
        int groups = (int) node.integer("group", 1);
        int out = (int) weight.size(0);
        if (groups < 1 || out % groups != 0) {
            throw node.error("group " + groups + " does not divide the " + out + " output channels");
        }
        Window window = window(node, kh, kw, node.integers("dilations", 1, 1));
        if (groups == 1 && window.isSquare()) {
            Conv2d conv = new Conv2d((int) weight.size(1), out, kh, window.strideH(), window.padTop(),
                    new SplittableRandom(0), type);
            conv.parameters().get("weight").assign(weight);
            Map<String, String> names = new LinkedHashMap<>();
            names.put("weight", proto.getInput(1));
            if (bias == null) {
                conv.parameters().get("bias").assign(0);
            } else {
                conv.parameters().get("bias").assign(bias);
                names.put("bias", biasName);
            }
            return new LayerOp(conv, names);
        }
        return new GroupedConv(weight, proto.getInput(1), bias, biasName, groups, window);
    }

    private static void noAutoPad(NodeReader node) {
        String autoPad = node.text("auto_pad", "NOTSET");
        if (!autoPad.equals("NOTSET")) {
            throw node.error("auto_pad=" + autoPad + " is not supported: export with explicit pads");
        }
    }

    private static Window window(NodeReader node, int kh, int kw, int[] dilations) {
        int[] strides = node.integers("strides", 1, 1);
        int[] pads = node.integers("pads", 0, 0, 0, 0);
        for (int v : strides) {
            if (v < 1) {
                throw node.error("strides must be positive");
            }
        }
        for (int v : dilations) {
            if (v < 1) {
                throw node.error("dilations must be positive");
            }
        }
        for (int v : pads) {
            if (v < 0) {
                throw node.error("pads must not be negative");
            }
        }
        return new Window(kh, kw, strides[0], strides[1], dilations[0], dilations[1], pads[0], pads[1], pads[2],
                pads[3]);
    }

    private GraphOp batchNorm(NodeReader node, OnnxMl.NodeProto proto, List<Integer> in) {
        node.allow(BATCH_NORM);
        node.outputs(1);
        if (proto.getInputCount() != 5) {
            throw node.error("needs 5 inputs (X, scale, B, input_mean, input_var), found " + proto.getInputCount());
        }
        double epsilon = node.real("epsilon", 1e-5f);
        if (Math.abs(epsilon - BatchNorm1d.EPSILON) > 1e-9) {
            throw node.error("epsilon " + epsilon + " is not supported: DML4J's batch normalization uses "
                    + BatchNorm1d.EPSILON);
        }
        double momentum = node.real("momentum", 0.9f);
        if (Math.abs(momentum - (1 - BatchNorm1d.MOMENTUM)) > 1e-6) {
            throw node.error("momentum " + momentum + " is not supported: DML4J updates running statistics with "
                    + "ONNX momentum " + (1 - BatchNorm1d.MOMENTUM) + " (PyTorch's 0.1)");
        }
        if (node.integer("training_mode", 0) != 0) {
            throw node.error("training_mode=1 is not supported: export the model in inference mode");
        }
        in.add(valueInput(node, proto.getInput(0)));
        INDArray scale = weight(node, proto.getInput(1));
        BatchNorm2d norm = new BatchNorm2d((int) scale.length(), type);
        String[] layerNames = {"weight", "bias", "running_mean", "running_var"};
        Map<String, INDArray> arrays = new HashMap<>(norm.parameters());
        arrays.putAll(norm.buffers());
        Map<String, String> names = new LinkedHashMap<>();
        for (int i = 0; i < layerNames.length; i++) {
            INDArray loaded = i == 0 ? scale : weight(node, proto.getInput(i + 1));
            if (loaded.length() != scale.length()) {
                throw node.error("'" + proto.getInput(i + 1) + "' has " + loaded.length() + " values, expected "
                        + scale.length() + " (one per channel)");
            }
            arrays.get(layerNames[i]).assign(loaded.reshape(scale.length()));
            names.put(layerNames[i], proto.getInput(i + 1));
        }
        return new LayerOp(norm, names);
    }

    private GraphOp pool(NodeReader node, OnnxMl.NodeProto proto, List<Integer> in) {
        boolean max = proto.getOpType().equals("MaxPool");
        node.allow(max ? MAX_POOL : AVERAGE_POOL);
        node.outputs(1);
        noAutoPad(node);
        if (node.integer("ceil_mode", 0) != 0) {
            throw node.error("ceil_mode=1 is not supported (only floor rounding)");
        }
        if (node.integer("storage_order", 0) != 0) {
            throw node.error("storage_order=1 is not supported");
        }
        int[] dilations = node.integers("dilations", 1, 1);
        if (dilations[0] != 1 || dilations[1] != 1) {
            throw node.error("dilated pooling is not supported");
        }
        int[] kernel = node.integers("kernel_shape");
        if (kernel.length != 2) {
            throw node.error("kernel_shape must hold 2 values (2-D pooling), found " + kernel.length);
        }
        in.add(valueInput(node, proto.getInput(0)));
        return new Pool2d(max, node.integer("count_include_pad", 0) != 0, window(node, kernel[0], kernel[1],
                dilations));
    }

    private GraphOp linear(NodeReader node, OnnxMl.NodeProto proto, List<Integer> in) {
        boolean gemm = proto.getOpType().equals("Gemm");
        node.allow(gemm ? GEMM : Set.of());
        node.outputs(1);
        if (node.real("alpha", 1) != 1 || node.real("beta", 1) != 1 || node.integer("transA", 0) != 0) {
            throw node.error("only alpha=1, beta=1 and transA=0 are supported");
        }
        if (proto.getInputCount() < 2) {
            throw node.error("needs an input and a weight");
        }
        in.add(gemm ? valueInput(node, proto.getInput(0)) : operand(node, proto.getInput(0)));
        INDArray weight = weight(node, proto.getInput(1));
        if (weight.rank() != 2) {
            throw node.error("weight '" + proto.getInput(1) + "' must be a matrix, found rank " + weight.rank());
        }
        String biasName = gemm && proto.getInputCount() > 2 && !proto.getInput(2).isEmpty() ? proto.getInput(2)
                : null;
        boolean transposed = node.integer("transB", 0) != 0;
        INDArray bias = biasName == null ? null : weight(node, biasName);
        long out = transposed ? weight.rows() : weight.columns();
        if (bias != null && bias.length() != out) {
            throw node.error("bias '" + biasName + "' has " + bias.length() + " values; only a per-output bias of "
                    + out + " is supported");
        }
        return new Linear(weight, proto.getInput(1), transposed, bias, biasName);
    }

    private GraphOp matMul(NodeReader node, OnnxMl.NodeProto proto, List<Integer> in) {
        if (proto.getInputCount() == 2 && values.containsKey(proto.getInput(1))) {
            node.allow(Set.of());
            node.outputs(1);
            in.add(operand(node, proto.getInput(0)));
            in.add(values.get(proto.getInput(1)));
            return new MatMul();
        }
        return linear(node, proto, in);
    }

    /**
     * An element-wise operator's operands: computed values, initializers of more than one value as parameters, and
     * constants; null when all are constants, the result then being a constant itself.
     */
    private GraphOp binary(NodeReader node, OnnxMl.NodeProto proto, List<Integer> in) {
        node.allow(Set.of());
        node.outputs(1);
        if (proto.getInputCount() != 2) {
            throw node.error("expects two inputs, found " + proto.getInputCount());
        }
        Binary.Kind kind = Binary.Kind.valueOf(proto.getOpType().toUpperCase(Locale.ROOT));
        Binary.Constant[] constant = new Binary.Constant[2];
        for (int i = 0; i < 2; i++) {
            String name = proto.getInput(i);
            if (values.containsKey(name) || isParameter(name)) {
                in.add(operand(node, name));
            } else {
                constant[i] = constantOperand(node, name);
            }
        }
        if (in.isEmpty()) {
            folded.put(proto.getOutput(0), fold(node, kind, constant[0], constant[1]));
            return null;
        }
        return new Binary(kind, constant[0], constant[1]);
    }

    private static Binary.Constant fold(NodeReader node, Binary.Kind kind, Binary.Constant a, Binary.Constant b) {
        long[] shape;
        try {
            shape = Broadcast.shape(a.shape(), b.shape());
        } catch (IllegalArgumentException e) {
            throw node.error(e.getMessage());
        }
        double[] x = Broadcast.expand(a.values(), a.shape(), shape);
        double[] y = Broadcast.expand(b.values(), b.shape(), shape);
        double[] out = new double[x.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Binary.apply(kind, x[i], y[i]);
        }
        return new Binary.Constant(out, shape);
    }

    /** Whether an operand is an initializer of more than one value, read as a trainable parameter. */
    private boolean isParameter(String name) {
        OnnxMl.TensorProto t = initializers.get(name);
        if (t == null) {
            return false;
        }
        long size = 1;
        for (long d : t.getDimsList()) {
            size *= d;
        }
        return size > 1;
    }

    /** A computed value, or an initializer of more than one value as a {@link Parameter} node's value. */
    private int operand(NodeReader node, String name) {
        if (values.containsKey(name) || !isParameter(name)) {
            return valueInput(node, name);
        }
        INDArray value = weight(node, name);
        add(node, name, new Parameter(name, value), List.of());
        return values.get(name);
    }

    private Binary.Constant constantOperand(NodeReader node, String name) {
        if (folded.containsKey(name)) {
            return folded.get(name);
        }
        OnnxMl.TensorProto t = constants.containsKey(name) ? constants.get(name) : initializers.get(name);
        double[] v = constantValues(node, name);
        return new Binary.Constant(v, t.getDimsList().stream().mapToLong(Long::longValue).toArray());
    }

    private GraphOp clip(NodeReader node, OnnxMl.NodeProto proto) {
        node.allow(Set.of("min", "max"));
        double min = node.real("min", Double.NEGATIVE_INFINITY);
        double max = node.real("max", Double.POSITIVE_INFINITY);
        if (proto.getInputCount() > 1 && !proto.getInput(1).isEmpty()) {
            min = scalar(node, proto.getInput(1));
        }
        if (proto.getInputCount() > 2 && !proto.getInput(2).isEmpty()) {
            max = scalar(node, proto.getInput(2));
        }
        return Unary.clip(min, max);
    }

    private GraphOp reshape(NodeReader node, OnnxMl.NodeProto proto, List<Integer> in) {
        node.allow(Set.of("allowzero"));
        if (node.integer("allowzero", 0) != 0) {
            throw node.error("allowzero=1 is not supported");
        }
        if (proto.getInputCount() != 2) {
            throw node.error("expects a value and a shape");
        }
        if (values.containsKey(proto.getInput(1))) {
            in.add(values.get(proto.getInput(1)));
            return new Reshape("Reshape", (shape, requested) -> reshaped(node, shape, requested));
        }
        double[] target = constantValues(node, proto.getInput(1));
        long[] shape = new long[target.length];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = (long) target[i];
        }
        return new Reshape("Reshape", (input, unused) -> reshaped(node, input, shape));
    }

    private static long[] flatten(long[] shape, int axis) {
        int a = axis < 0 ? axis + shape.length : axis;
        long outer = 1;
        long inner = 1;
        for (int i = 0; i < shape.length; i++) {
            if (i < a) {
                outer *= shape[i];
            } else {
                inner *= shape[i];
            }
        }
        return new long[]{outer, inner};
    }

    private static long[] reshaped(NodeReader node, long[] in, long[] target) {
        long[] out = target.clone();
        long total = 1;
        for (long d : in) {
            total *= d;
        }
        long known = 1;
        int free = -1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0) {
                out[i] = in[i];
            }
            if (out[i] == -1) {
                free = i;
            } else {
                known *= out[i];
            }
        }
        if (free >= 0 && known > 0) {
            out[free] = total / known;
        }
        long product = 1;
        for (long d : out) {
            product *= d;
        }
        if (product != total) {
            throw node.error("cannot reshape " + Arrays.toString(in) + " to "
                    + Arrays.toString(target));
        }
        return out;
    }

    /** A computed value the node reads. */
    private int valueInput(NodeReader node, String name) {
        Integer v = values.get(name);
        if (v != null) {
            return v;
        }
        if (initializers.containsKey(name) || constants.containsKey(name)) {
            throw node.error("input '" + name + "' is a constant; DML4J needs a computed value there");
        }
        throw node.error("reads '" + name + "', which no earlier node, graph input or initializer produces "
                + "(a missing initializer, or nodes out of topological order)");
    }

    /** An initializer loaded as a trainable parameter or buffer. */
    private INDArray weight(NodeReader node, String name) {
        OnnxMl.TensorProto t = initializers.get(name);
        if (t == null) {
            throw node.error("weight '" + name + "' is not among the model's initializers (a missing initializer)");
        }
        if (!weights.add(name)) {
            throw node.error("weight '" + name + "' is used by more than one node; shared weights are not supported");
        }
        if (stripped && t.getRawData().isEmpty() && t.getFloatDataCount() == 0 && t.getDoubleDataCount() == 0) {
            return OnnxTensors.zeros(t, type);
        }
        try {
            return OnnxTensors.array(t, type);
        } catch (IllegalArgumentException e) {
            throw node.error(e.getMessage());
        }
    }

    private double[] constantValues(NodeReader node, String name) {
        if (folded.containsKey(name)) {
            return folded.get(name).values();
        }
        OnnxMl.TensorProto t = constants.containsKey(name) ? constants.get(name) : initializers.get(name);
        if (t == null) {
            throw node.error("needs '" + name + "' to be a constant (an initializer or a Constant node)");
        }
        try {
            return OnnxTensors.doubles(t);
        } catch (IllegalArgumentException e) {
            throw node.error(e.getMessage());
        }
    }

    private double scalar(NodeReader node, String name) {
        double[] v = constantValues(node, name);
        if (v.length != 1) {
            throw node.error("'" + name + "' must be a scalar, found " + v.length + " values");
        }
        return v[0];
    }
}
