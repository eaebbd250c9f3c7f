package org.dml4j.onnx;

import ai.onnx.proto.OnnxMl;
import org.tribuo.util.onnx.ONNXAttribute;
import org.tribuo.util.onnx.ONNXOperator;
import org.tribuo.util.onnx.ONNXOperators;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ONNX operators (opset 13) that embedding networks need and Tribuo's {@link ONNXOperators} does not declare.
 */
public enum NetworkOperators implements ONNXOperator {
    /** A 2-D convolution: input, weight {@code [out, in, k, k]} and an optional bias {@code [out]}. */
    CONV("Conv", 2, 1, List.of(ints("kernel_shape"), ints("strides"), ints("pads"))),
    /** Batch normalization with running statistics: input, scale, bias, mean, variance. */
    BATCH_NORMALIZATION("BatchNormalization", 5, 0,
            List.of(new ONNXAttribute("epsilon", OnnxMl.AttributeProto.AttributeType.FLOAT, false))),
    /** Max pooling without padding. */
    MAX_POOL("MaxPool", 1, 0, List.of(ints("kernel_shape"), ints("strides"))),
    /** The mean of each channel over its pixels, {@code [N, C, 1, 1]}. */
    GLOBAL_AVERAGE_POOL("GlobalAveragePool", 1, 0, List.of()),
    /** The rectifier. */
    RELU("Relu", 1, 0, List.of()),
    /** The hyperbolic tangent. */
    TANH("Tanh", 1, 0, List.of()),
    /** The L2 norm along {@code axes} (an attribute in opset 13). */
    REDUCE_L2("ReduceL2", 1, 0, List.of(ints("axes"),
            new ONNXAttribute("keepdims", OnnxMl.AttributeProto.AttributeType.INT, false))),
    /** The element-wise maximum of two tensors (broadcasting). */
    MAX("Max", 2, 0, List.of()),
    /** Reshapes the input to the shape given as an int64 tensor ({@code -1} once for the batch). */
    RESHAPE("Reshape", 2, 0, List.of()),
    /** Flattens the dimensions from {@code axis} on. */
    FLATTEN("Flatten", 1, 0, List.of(new ONNXAttribute("axis", OnnxMl.AttributeProto.AttributeType.INT, false))),
    /** The matrix product of the last two dimensions, broadcasting the others (numpy's {@code matmul}). */
    MAT_MUL("MatMul", 2, 0, List.of()),
    /** Permutes the dimensions. */
    TRANSPOSE("Transpose", 1, 0, List.of(ints("perm"))),
    /** The element-wise square root. */
    SQRT("Sqrt", 1, 0, List.of()),
    /** The element-wise error function. */
    ERF("Erf", 1, 0, List.of()),
    /** The input's shape, an int64 vector. */
    SHAPE("Shape", 1, 0, List.of());

    private final String opName;
    private final int inputs;
    private final int optionalInputs;
    private final Map<String, ONNXAttribute> attributes;

    NetworkOperators(String opName, int inputs, int optionalInputs, List<ONNXAttribute> attributes) {
        this.opName = opName;
        this.inputs = inputs;
        this.optionalInputs = optionalInputs;
        Map<String, ONNXAttribute> byName = new LinkedHashMap<>();
        attributes.forEach(a -> byName.put(a.getName(), a));
        this.attributes = Collections.unmodifiableMap(byName);
    }

    private static ONNXAttribute ints(String name) {
        return new ONNXAttribute(name, OnnxMl.AttributeProto.AttributeType.INTS, false);
    }

    @Override
    public String getOpName() {
        return opName;
    }

    @Override
    public int getNumInputs() {
        return inputs;
    }

    @Override
    public int getNumOptionalInputs() {
        return optionalInputs;
    }

    @Override
    public int getNumOutputs() {
        return 1;
    }

    @Override
    public Map<String, ONNXAttribute> getAttributes() {
        return attributes;
    }

    @Override
    public Set<String> getMandatoryAttributeNames() {
        return Set.of(); // every attribute has a default
    }

    /** @return the opset Tribuo's writer declares in the model (13) */
    @Override
    public int getOpVersion() {
        return ONNXOperators.getOpsetVersion();
    }

    /** @return null: the default ONNX domain */
    @Override
    public String getOpDomain() {
        return null;
    }

    @Override
    public OnnxMl.OperatorSetIdProto opsetProto() {
        return ONNXOperators.getOpsetProto();
    }
}
