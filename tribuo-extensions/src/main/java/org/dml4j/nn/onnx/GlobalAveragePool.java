package org.dml4j.nn.onnx;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ONNX {@code GlobalAveragePool}: the mean of each image plane, keeping the spatial axes ({@code [C, N, 1, 1]} in the
 * CNHW layout), as ONNX's {@code [N, C, 1, 1]}.
 */
final class GlobalAveragePool implements GraphOp {

    private long[] inputShape;

    @Override
    public INDArray forward(INDArray[] inputs, boolean training) {
        INDArray x = inputs[0];
        if (x.rank() != 4) {
            throw new IllegalArgumentException("GlobalAveragePool expects an image batch, found rank " + x.rank());
        }
        inputShape = x.shape();
        return x.mean(2, 3).reshape('c', inputShape[0], inputShape[1], 1, 1);
    }

    @Override
    public INDArray[] backward(INDArray gradOutput, boolean[] wanted) {
        long[] s = ForwardCheck.require(inputShape, "GlobalAveragePool");
        if (!wanted[0]) {
            return new INDArray[1];
        }
        long planes = s[0] * s[1];
        long area = s[2] * s[3];
        INDArray dx = Nd4j.ones(gradOutput.dataType(), planes, area)
                .muliColumnVector(gradOutput.reshape('c', planes, 1)).divi(area);
        return new INDArray[]{dx.reshape('c', s)};
    }

    @Override
    public GraphOp copy() {
        return new GlobalAveragePool();
    }

    @Override
    public String toString() {
        return "GlobalAveragePool";
    }
}
