package org.dml4j.nn.onnx;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Converts between ONNX's layout and DML4J's: a 4-D value (an image batch) is {@code [N, C, H, W]} in ONNX and
 * {@code [C, N, H, W]} between DML4J's image layers; other ranks are the same in both.
 */
final class Layouts {

    private Layouts() {
    }

    /**
     * @param value a value in DML4J's layout
     * @return a row-major copy in ONNX's layout
     */
    static INDArray toOnnx(INDArray value) {
        return value.rank() == 4 ? value.permute(1, 0, 2, 3).dup('c') : value.dup('c');
    }

    /**
     * @param value a row-major value in ONNX's layout
     * @return a row-major copy in DML4J's layout
     */
    static INDArray fromOnnx(INDArray value) {
        return value.rank() == 4 ? value.permute(1, 0, 2, 3).dup('c') : value.dup('c');
    }

    /**
     * @param shape a shape in DML4J's layout
     * @return the shape in ONNX's layout
     */
    static long[] onnxShape(long[] shape) {
        return shape.length == 4 ? new long[]{shape[1], shape[0], shape[2], shape[3]} : shape.clone();
    }

    /**
     * @param axis an axis of a value in ONNX's layout, non-negative
     * @param rank the value's rank
     * @return the axis in DML4J's layout
     */
    static int axis(int axis, int rank) {
        return rank == 4 && axis < 2 ? 1 - axis : axis;
    }
}
