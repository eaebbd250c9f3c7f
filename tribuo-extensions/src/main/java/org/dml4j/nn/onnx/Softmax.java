package org.dml4j.nn.onnx;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ONNX {@code Softmax} (opset 13) along one axis of a value in ONNX's layout; the attention weights over the keys.
 * The backward pass is {@code y·(g − Σ g·y)} along the axis.
 */
final class Softmax implements GraphOp {

    private final int onnxAxis;
    private double[] output;
    private long[] shape;
    private int axis;

    /**
     * @param onnxAxis the axis, negative counting from the end
     */
    Softmax(int onnxAxis) {
        this.onnxAxis = onnxAxis;
    }

    /** {outer, axis size, inner} of the value's shape around the axis. */
    private long[] blocks() {
        long outer = 1;
        long inner = 1;
        for (int i = 0; i < shape.length; i++) {
            if (i < axis) {
                outer *= shape[i];
            } else if (i > axis) {
                inner *= shape[i];
            }
        }
        return new long[]{outer, shape[axis], inner};
    }

    @Override
    public INDArray forward(INDArray[] inputs, boolean training) {
        shape = Layouts.onnxShape(inputs[0].shape());
        axis = onnxAxis < 0 ? onnxAxis + shape.length : onnxAxis;
        if (axis < 0 || axis >= shape.length) {
            throw new IllegalArgumentException("axis " + onnxAxis + " is out of range for rank " + shape.length);
        }
        double[] y = Host.values(Layouts.toOnnx(inputs[0]));
        long[] b = blocks();
        for (long o = 0; o < b[0]; o++) {
            for (long in = 0; in < b[2]; in++) {
                int base = (int) (o * b[1] * b[2] + in);
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < b[1]; k++) {
                    max = Math.max(max, y[base + (int) (k * b[2])]);
                }
                double sum = 0;
                for (int k = 0; k < b[1]; k++) {
                    int i = base + (int) (k * b[2]);
                    y[i] = Math.exp(y[i] - max);
                    sum += y[i];
                }
                for (int k = 0; k < b[1]; k++) {
                    y[base + (int) (k * b[2])] /= sum;
                }
            }
        }
        output = y;
        return Layouts.fromOnnx(Host.array(y, inputs[0].dataType(), shape));
    }

    @Override
    public INDArray[] backward(INDArray gradOutput, boolean[] wanted) {
        double[] y = ForwardCheck.require(output, "Softmax");
        if (!wanted[0]) {
            return new INDArray[1];
        }
        double[] g = Host.values(Layouts.toOnnx(gradOutput));
        long[] b = blocks();
        for (long o = 0; o < b[0]; o++) {
            for (long in = 0; in < b[2]; in++) {
                int base = (int) (o * b[1] * b[2] + in);
                double dot = 0;
                for (int k = 0; k < b[1]; k++) {
                    int i = base + (int) (k * b[2]);
                    dot += g[i] * y[i];
                }
                for (int k = 0; k < b[1]; k++) {
                    int i = base + (int) (k * b[2]);
                    g[i] = y[i] * (g[i] - dot);
                }
            }
        }
        return new INDArray[]{Layouts.fromOnnx(Host.array(g, gradOutput.dataType(), shape))};
    }

    @Override
    public GraphOp copy() {
        return new Softmax(onnxAxis);
    }

    @Override
    public String toString() {
        return "Softmax(axis=" + onnxAxis + ")";
    }
}
