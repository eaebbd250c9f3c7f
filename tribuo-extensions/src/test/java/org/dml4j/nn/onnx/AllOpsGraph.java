package org.dml4j.nn.onnx;

import ai.onnx.proto.OnnxMl;

import java.util.List;
import java.util.Random;

/**
 * A small ONNX model (opset 20) that uses every operator the importer supports: plain, grouped-dilated and depthwise
 * asymmetric convolutions, batch normalization, Gelu, Relu, Clip, Sigmoid, a residual Add with fan-out, Concat, max and
 * average pooling with padding, global average pooling, Flatten, Reshape, MatMul, Gemm, Div, Erf, Mul, Sub and
 * Identity, over a {@code [batch, 2, 5, 5]} input. Weights are seeded random float32 values.
 */
public final class AllOpsGraph {

    /** The input's image shape. */
    public static final int[] IMAGE = {2, 5, 5};

    private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder().setName("all-ops");
    private final Random rng = new Random(5);

    private AllOpsGraph() {
    }

    /** @return the model */
    public static OnnxMl.ModelProto model() {
        return new AllOpsGraph().build();
    }

    private OnnxMl.ModelProto build() {
        graph.addInput(imageInput("x", IMAGE));
        weight("w1", 4, 2, 3, 3);
        weight("b1", 4);
        node("Conv", "conv1", List.of("x", "w1", "b1"), "c1", ints("pads", 1, 1, 1, 1));
        weight("bn.scale", 4);
        weight("bn.bias", 4);
        weight("bn.mean", 4);
        positive("bn.var", 4);
        node("BatchNormalization", "bn", List.of("c1", "bn.scale", "bn.bias", "bn.mean", "bn.var"), "b1out");
        node("Gelu", "gelu", List.of("b1out"), "g1");
        weight("w2", 4, 2, 3, 3);
        node("Conv", "grouped", List.of("g1", "w2"), "c2", ints("pads", 2, 2, 2, 2), ints("dilations", 2, 2),
                integer("group", 2));
        node("Add", "residual", List.of("g1", "c2"), "a1");
        constant("lo", -0.5f);
        constant("hi", 1.0f);
        node("Clip", "clip", List.of("a1", "lo", "hi"), "k1");
        node("Sigmoid", "sigmoid", List.of("c2"), "s1");
        node("Concat", "concat", List.of("k1", "s1"), "cat", integer("axis", 1));
        node("MaxPool", "maxpool", List.of("cat"), "mp", ints("kernel_shape", 3, 3), ints("strides", 3, 3),
                ints("pads", 1, 1, 1, 1));
        weight("w3", 2, 1, 2, 3);
        node("Conv", "depthwise", List.of("x", "w3"), "c3", ints("strides", 2, 1), ints("pads", 0, 1, 1, 1),
                integer("group", 2));
        node("Relu", "relu", List.of("c3"), "r3");
        node("AveragePool", "avgpool", List.of("r3"), "ap", ints("kernel_shape", 2, 2), ints("pads", 1, 0, 0, 1),
                integer("count_include_pad", 1));
        node("GlobalAveragePool", "gap", List.of("ap"), "gp");
        node("Flatten", "flatten", List.of("mp"), "f1", integer("axis", 1));
        graph.addInitializer(OnnxMl.TensorProto.newBuilder().setName("shape").setDataType(7).addDims(2)
                .addInt64Data(0).addInt64Data(-1));
        node("Reshape", "reshape", List.of("gp", "shape"), "r1");
        weight("wm", 2, 3);
        node("MatMul", "matmul", List.of("r1", "wm"), "mm");
        weight("wg", 3, 32);
        weight("bg", 3);
        node("Gemm", "gemm", List.of("f1", "wg", "bg"), "gm", integer("transB", 1));
        constant("root2", (float) Math.sqrt(2));
        node("Div", "div", List.of("gm", "root2"), "d1");
        node("Erf", "erf", List.of("d1"), "e1");
        constant("half", 0.5f);
        node("Mul", "mul", List.of("half", "e1"), "m1");
        constant("quarter", 0.25f);
        node("Sub", "sub", List.of("m1", "quarter"), "s2");
        node("Concat", "head", List.of("s2", "mm"), "out0", integer("axis", 1));
        node("Identity", "identity", List.of("out0"), "y");
        graph.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("y"));
        return OnnxMl.ModelProto.newBuilder().setIrVersion(9).setProducerName("dml4j-test").setGraph(graph)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(20)).build();
    }

    /**
     * @param name  the input's name
     * @param image {@code [C, H, W]}
     * @return a float32 {@code [batch, C, H, W]} graph input
     */
    public static OnnxMl.ValueInfoProto imageInput(String name, int[] image) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
        for (int d : image) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1).setShape(shape))).build();
    }

    private void weight(String name, long... shape) {
        tensor(name, shape, false);
    }

    private void positive(String name, long... shape) {
        tensor(name, shape, true);
    }

    private void tensor(String name, long[] shape, boolean positive) {
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(1);
        long n = 1;
        for (long d : shape) {
            t.addDims(d);
            n *= d;
        }
        for (long i = 0; i < n; i++) {
            t.addFloatData(positive ? 0.5f + rng.nextFloat() : (float) (rng.nextGaussian() * 0.5));
        }
        graph.addInitializer(t);
    }

    private void constant(String name, float value) {
        graph.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Constant").setName(name + ".const").addOutput(name)
                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("value")
                        .setType(OnnxMl.AttributeProto.AttributeType.TENSOR)
                        .setT(OnnxMl.TensorProto.newBuilder().setDataType(1).addFloatData(value))));
    }

    private void node(String op, String name, List<String> inputs, String output,
                      OnnxMl.AttributeProto... attributes) {
        graph.addNode(OnnxMl.NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs)
                .addOutput(output).addAllAttribute(List.of(attributes)));
    }

    private static OnnxMl.AttributeProto ints(String name, long... values) {
        OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(OnnxMl.AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    private static OnnxMl.AttributeProto integer(String name, long value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT)
                .setI(value).build();
    }
}
