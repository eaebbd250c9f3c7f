package org.dml4j.nn.onnx;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * ONNX {@code MatMul} of two computed values of rank 2 or more (attention's queries by keys, weights by values): the
 * matrix product of their last two axes, the leading axes broadcast as numpy's {@code matmul}. A product by a weight
 * initializer is a {@link Linear} instead.
 */
final class MatMul implements GraphOp {

    private double[] a;
    private double[] b;
    private long[] aShape;
    private long[] bShape;
    private long[] batch;
    private int m;
    private int k;
    private int n;

    @Override
    public INDArray forward(INDArray[] inputs, boolean training) {
        aShape = Layouts.onnxShape(inputs[0].shape());
        bShape = Layouts.onnxShape(inputs[1].shape());
        if (aShape.length < 2 || bShape.length < 2 || aShape[aShape.length - 1] != bShape[bShape.length - 2]) {
            throw new IllegalArgumentException("cannot multiply " + Arrays.toString(aShape) + " by "
                    + Arrays.toString(bShape) + " (both of rank 2 or more, inner sizes equal)");
        }
        m = (int) aShape[aShape.length - 2];
        k = (int) aShape[aShape.length - 1];
        n = (int) bShape[bShape.length - 1];
        batch = Broadcast.shape(Arrays.copyOf(aShape, aShape.length - 2), Arrays.copyOf(bShape, bShape.length - 2));
        a = Broadcast.expand(Host.values(Layouts.toOnnx(inputs[0])), aShape, full(m, k));
        b = Broadcast.expand(Host.values(Layouts.toOnnx(inputs[1])), bShape, full(k, n));
        return Layouts.fromOnnx(Host.array(multiply(a, false, b, false, m, k, n), inputs[0].dataType(),
                full(m, n)));
    }

    /** The batch shape followed by {@code rows, columns}. */
    private long[] full(int rows, int columns) {
        long[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = rows;
        s[batch.length + 1] = columns;
        return s;
    }

    private int count() {
        int c = 1;
        for (long d : batch) {
            c *= (int) d;
        }
        return c;
    }

    /** Batched {@code op(x)·op(y)} of {@code rows × inner} by {@code inner × columns} matrices, op transposing. */
    private double[] multiply(double[] x, boolean tx, double[] y, boolean ty, int rows, int inner, int columns) {
        int batches = count();
        double[] out = new double[batches * rows * columns];
        for (int t = 0; t < batches; t++) {
            int xo = t * rows * inner;
            int yo = t * inner * columns;
            int oo = t * rows * columns;
            for (int i = 0; i < rows; i++) {
                for (int p = 0; p < inner; p++) {
                    double xv = x[xo + (tx ? p * rows + i : i * inner + p)];
                    for (int j = 0; j < columns; j++) {
                        out[oo + i * columns + j] += xv * y[yo + (ty ? j * inner + p : p * columns + j)];
                    }
                }
            }
        }
        return out;
    }

    @Override
    public INDArray[] backward(INDArray gradOutput, boolean[] wanted) {
        ForwardCheck.require(a, "MatMul");
        double[] g = Host.values(Layouts.toOnnx(gradOutput));
        DataType type = gradOutput.dataType();
        INDArray[] grads = new INDArray[2];
        if (wanted[0]) {
            double[] da = multiply(g, false, b, true, m, n, k);
            grads[0] = Layouts.fromOnnx(Host.array(Broadcast.reduce(da, full(m, k), aShape), type, aShape));
        }
        if (wanted[1]) {
            double[] db = multiply(a, true, g, false, k, m, n);
            grads[1] = Layouts.fromOnnx(Host.array(Broadcast.reduce(db, full(k, n), bShape), type, bShape));
        }
        return grads;
    }

    @Override
    public GraphOp copy() {
        return new MatMul();
    }

    @Override
    public String toString() {
        return "MatMul";
    }
}
