package org.dml4j.nn.onnx;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * ONNX {@code Concat} of values along one axis (the channels of image batches, axis 0 in the CNHW layout); the
 * backward pass hands each input its slice of the gradient.
 */
final class Concat implements GraphOp {

    private final int onnxAxis;
    private int axis;
    private long[] sizes;

    /**
     * @param onnxAxis the axis in ONNX's layout, negative counting from the end
     */
    Concat(int onnxAxis) {
        this.onnxAxis = onnxAxis;
    }

    @Override
    public INDArray forward(INDArray[] inputs, boolean training) {
        int rank = inputs[0].rank();
        int a = onnxAxis < 0 ? onnxAxis + rank : onnxAxis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException("axis " + onnxAxis + " is out of range for rank " + rank);
        }
        axis = Layouts.axis(a, rank);
        sizes = new long[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            sizes[i] = inputs[i].size(axis);
        }
        return Nd4j.concat(axis, inputs);
    }

    @Override
    public INDArray[] backward(INDArray gradOutput, boolean[] wanted) {
        long[] s = ForwardCheck.require(sizes, "Concat");
        INDArray[] grads = new INDArray[s.length];
        long start = 0;
        for (int i = 0; i < s.length; i++) {
            if (wanted[i]) {
                INDArrayIndex[] index = NDArrayIndex.allFor(gradOutput);
                index[axis] = NDArrayIndex.interval(start, start + s[i]);
                grads[i] = gradOutput.get(index).dup('c');
            }
            start += s[i];
        }
        return grads;
    }

    @Override
    public GraphOp copy() {
        return new Concat(onnxAxis);
    }

    @Override
    public String toString() {
        return "Concat(axis=" + onnxAxis + ")";
    }
}
