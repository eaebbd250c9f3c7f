package org.dml4j.nn.onnx;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ONNX {@code Shape}: a value's shape in ONNX's layout, the runtime target of a {@link Reshape} (a block that gives
 * its tokens back the shape of its input image). No gradient flows through it.
 */
final class Shape implements GraphOp {

    @Override
    public INDArray forward(INDArray[] inputs, boolean training) {
        long[] shape = Layouts.onnxShape(inputs[0].shape());
        double[] values = new double[shape.length];
        for (int i = 0; i < shape.length; i++) {
            values[i] = shape[i];
        }
        return Host.array(values, inputs[0].dataType(), shape.length);
    }

    @Override
    public INDArray[] backward(INDArray gradOutput, boolean[] wanted) {
        return new INDArray[1];
    }

    @Override
    public GraphOp copy() {
        return new Shape();
    }

    @Override
    public String toString() {
        return "Shape";
    }
}
