package org.dml4j.nn.onnx;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.function.BinaryOperator;

/**
 * ONNX {@code Flatten} and {@code Reshape}: the value in ONNX's layout (an image batch's CNHW turned back to NCHW)
 * reshaped in row-major order; a 4-D result is an image batch again and travels as CNHW. The target shape is a
 * constant, or a computed value (the output of {@link Shape}) read as a second input that gets no gradient.
 */
final class Reshape implements GraphOp {

    private final String name;
    private final BinaryOperator<long[]> target;
    private long[] inputShape;

    /**
     * @param name   the ONNX operator, for messages
     * @param target the output shape for an input shape and the computed target (null when the target is a
     *               constant), all in ONNX's layout
     */
    Reshape(String name, BinaryOperator<long[]> target) {
        this.name = name;
        this.target = target;
    }

    @Override
    public INDArray forward(INDArray[] inputs, boolean training) {
        inputShape = inputs[0].shape();
        INDArray onnx = Layouts.toOnnx(inputs[0]);
        long[] requested = null;
        if (inputs.length > 1) {
            double[] values = Host.values(inputs[1]);
            requested = new long[values.length];
            for (int i = 0; i < values.length; i++) {
                requested[i] = (long) values[i];
            }
        }
        return Layouts.fromOnnx(onnx.reshape('c', target.apply(onnx.shape(), requested)));
    }

    @Override
    public INDArray[] backward(INDArray gradOutput, boolean[] wanted) {
        long[] s = ForwardCheck.require(inputShape, name);
        INDArray[] grads = new INDArray[wanted.length];
        if (wanted[0]) {
            grads[0] = Layouts.fromOnnx(Layouts.toOnnx(gradOutput).reshape('c', Layouts.onnxShape(s)));
        }
        return grads;
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
