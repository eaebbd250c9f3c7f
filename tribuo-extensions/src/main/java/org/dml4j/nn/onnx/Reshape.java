package org.dml4j.nn.onnx;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.function.UnaryOperator;

/**
 * ONNX {@code Flatten} and {@code Reshape}: the value in ONNX's layout (an image batch's CNHW turned back to NCHW)
 * reshaped in row-major order; a 4-D result is an image batch again and travels as CNHW.
 */
final class Reshape implements GraphOp {

    private final String name;
    private final UnaryOperator<long[]> target;
    private long[] inputShape;

    /**
     * @param name   the ONNX operator, for messages
     * @param target the output shape for an input shape, both in ONNX's layout
     */
    Reshape(String name, UnaryOperator<long[]> target) {
        this.name = name;
        this.target = target;
    }

    @Override
    public INDArray forward(INDArray[] inputs, boolean training) {
        inputShape = inputs[0].shape();
        INDArray onnx = Layouts.toOnnx(inputs[0]);
        return Layouts.fromOnnx(onnx.reshape('c', target.apply(onnx.shape())));
    }

    @Override
    public INDArray[] backward(INDArray gradOutput, boolean[] wanted) {
        long[] s = ForwardCheck.require(inputShape, name);
        if (!wanted[0]) {
            return new INDArray[1];
        }
        INDArray onnx = Layouts.toOnnx(gradOutput);
        return new INDArray[]{Layouts.fromOnnx(onnx.reshape('c', Layouts.onnxShape(s)))};
    }

    @Override
    public GraphOp copy() {
        return new Reshape(name, target);
    }

    @Override
    public String toString() {
        return name;
    }
}
