package org.dml4j.nn.onnx;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ONNX {@code ReduceMean} over the axes given as an attribute (opset 13; all axes without one), keeping them as size
 * 1 or dropping them; the mean of a layer normalization.
 */
final class ReduceMean implements GraphOp {

    private final int[] onnxAxes;
    private final boolean keepDims;
    private long[] inputShape;
    private long[] keptShape;

    /**
     * @param onnxAxes the axes in ONNX's layout, negative counting from the end; empty for all
     * @param keepDims whether the reduced axes stay as size 1
     */
    ReduceMean(int[] onnxAxes, boolean keepDims) {
        this.onnxAxes = onnxAxes.clone();
        this.keepDims = keepDims;
    }

    @Override
    public INDArray forward(INDArray[] inputs, boolean training) {
        inputShape = Layouts.onnxShape(inputs[0].shape());
        keptShape = inputShape.clone();
        boolean[] reduced = new boolean[inputShape.length];
        for (int axis : onnxAxes) {
            int a = axis < 0 ? axis + inputShape.length : axis;
            if (a < 0 || a >= inputShape.length) {
                throw new IllegalArgumentException("axis " + axis + " is out of range for rank " + inputShape.length);
            }
            reduced[a] = true;
        }
        long count = 1;
        int outRank = 0;
        for (int i = 0; i < keptShape.length; i++) {
            if (reduced[i] || onnxAxes.length == 0) {
                count *= keptShape[i];
                keptShape[i] = 1;
            } else {
                outRank++;
            }
        }
        double[] sums = Broadcast.reduce(Host.values(Layouts.toOnnx(inputs[0])), inputShape, keptShape);
        for (int i = 0; i < sums.length; i++) {
            sums[i] /= count;
        }
        long[] outShape = keptShape;
        if (!keepDims) {
            outShape = new long[outRank];
            for (int i = 0, j = 0; i < keptShape.length; i++) {
                if (!(reduced[i] || onnxAxes.length == 0)) {
                    outShape[j++] = keptShape[i];
                }
            }
        }
        return Layouts.fromOnnx(Host.array(sums, inputs[0].dataType(), outShape));
    }

    @Override
    public INDArray[] backward(INDArray gradOutput, boolean[] wanted) {
        long[] s = ForwardCheck.require(inputShape, "ReduceMean");
        if (!wanted[0]) {
            return new INDArray[1];
        }
        long count = 1;
        for (int i = 0; i < s.length; i++) {
            count *= s[i] / keptShape[i];
        }
        double[] g = Broadcast.expand(Host.values(Layouts.toOnnx(gradOutput)), keptShape, s);
        for (int i = 0; i < g.length; i++) {
            g[i] /= count;
        }
        return new INDArray[]{Layouts.fromOnnx(Host.array(g, gradOutput.dataType(), s))};
    }

    @Override
    public GraphOp copy() {
        return new ReduceMean(onnxAxes, keepDims);
    }

    @Override
    public String toString() {
        return "ReduceMean";
    }
}
