package org.dml4j.nn.onnx;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * An initializer read as an operand of an element-wise operator or a {@code MatMul} (a layer normalization's scale and
 * bias, a projection's bias, attention pooling's query): a trainable parameter under its ONNX name whose value feeds
 * the nodes that read it, and whose gradient is the sum of theirs.
 */
final class Parameter implements GraphOp {

    private final String name;
    private final INDArray value;
    private Map<String, INDArray> gradients = Map.of();

    /**
     * @param name  the initializer's name
     * @param value its value in ONNX's layout, live
     */
    Parameter(String name, INDArray value) {
        this.name = name;
        this.value = value;
    }

    @Override
    public INDArray forward(INDArray[] inputs, boolean training) {
        return Layouts.fromOnnx(value);
    }

    @Override
    public INDArray[] backward(INDArray gradOutput, boolean[] wanted) {
        gradients = Map.of(name, Layouts.toOnnx(gradOutput).reshape(value.shape()));
        return new INDArray[0];
    }

    @Override
    public Map<String, INDArray> parameters() {
        return Map.of(name, value);
    }

    @Override
    public Map<String, INDArray> gradients() {
        return gradients;
    }

    @Override
    public GraphOp copy() {
        return new Parameter(name, value.dup());
    }

    @Override
    public String toString() {
        return "Parameter(" + name + ")";
    }
}
