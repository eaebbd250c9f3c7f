package org.dml4j.nn.onnx;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * The element-wise ONNX {@code Add}, {@code Sub}, {@code Mul}, {@code Div}, {@code Pow} and {@code Max} (of two
 * inputs) with numpy-style broadcasting: of two values (a residual connection, a normalization's centring), or of a
 * value and a constant (the scalars of GELU's error-function form, a pooling's exponent). Computed on the host in
 * ONNX's layout, in double precision.
 */
final class Binary implements GraphOp {

    /** The arithmetic operation. */
    enum Kind {
        /** {@code a + b}. */
        ADD,
        /** {@code a - b}. */
        SUB,
        /** {@code a · b}. */
        MUL,
        /** {@code a / b}. */
        DIV,
        /** {@code a ^ b}. */
        POW,
        /** {@code max(a, b)}; the gradient goes to {@code a} on ties. */
        MAX
    }

    /**
     * A constant operand.
     *
     * @param values its row-major values
     * @param shape  its ONNX shape
     */
    record Constant(double[] values, long[] shape) {
    }

    private final Kind kind;
    private final Constant leftConstant;
    private final Constant rightConstant;
    private double[] a;
    private double[] b;
    private long[] aShape;
    private long[] bShape;
    private long[] outShape;
    private boolean sameLayout;

    /**
     * Creates the operation. The inputs of {@link #forward} are the operands that are not constants, in order.
     *
     * @param kind          the operation
     * @param leftConstant  the left operand when it is a constant, else null
     * @param rightConstant the right operand when it is a constant, else null
     */
    Binary(Kind kind, Constant leftConstant, Constant rightConstant) {
        this.kind = kind;
        this.leftConstant = leftConstant;
        this.rightConstant = rightConstant;
    }

    /**
     * @param kind the operation
     * @param x    the left operand
     * @param y    the right operand
     * @return {@code x kind y}
     */
    static double apply(Kind kind, double x, double y) {
        return switch (kind) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            case POW -> Math.pow(x, y);
            case MAX -> Math.max(x, y);
        };
    }

    @Override
    public INDArray forward(INDArray[] inputs, boolean training) {
        INDArray first = leftConstant == null ? inputs[0] : null;
        INDArray second = rightConstant == null ? inputs[inputs.length - 1] : null;
        // two values of one shape (a residual connection) combine in any layout: no conversion to ONNX's
        sameLayout = first != null && second != null && Arrays.equals(first.shape(), second.shape());
        aShape = first == null ? leftConstant.shape() : onnxShape(first);
        bShape = second == null ? rightConstant.shape() : onnxShape(second);
        outShape = Broadcast.shape(aShape, bShape);
        a = Broadcast.expand(first == null ? leftConstant.values() : onnxValues(first), aShape, outShape);
        b = Broadcast.expand(second == null ? rightConstant.values() : onnxValues(second), bShape, outShape);
        double[] out = new double[a.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = apply(kind, a[i], b[i]);
        }
        return fromOnnx(out, inputs[0].dataType(), outShape);
    }

    private long[] onnxShape(INDArray value) {
        return sameLayout ? value.shape() : Layouts.onnxShape(value.shape());
    }

    private double[] onnxValues(INDArray value) {
        return Host.values(sameLayout ? value : Layouts.toOnnx(value));
    }

    private INDArray fromOnnx(double[] values, DataType type, long[] shape) {
        INDArray array = Host.array(values, type, shape);
        return sameLayout ? array : Layouts.fromOnnx(array);
    }

    @Override
    public INDArray[] backward(INDArray gradOutput, boolean[] wanted) {
        ForwardCheck.require(a, kind.name());
        double[] g = onnxValues(gradOutput);
        DataType type = gradOutput.dataType();
        INDArray[] grads = new INDArray[wanted.length];
        int next = 0;
        if (leftConstant == null) {
            grads[next] = wanted[next] ? gradient(g, true, aShape, type) : null;
            next++;
        }
        if (rightConstant == null) {
            grads[next] = wanted[next] ? gradient(g, false, bShape, type) : null;
        }
        return grads;
    }

    private INDArray gradient(double[] g, boolean left, long[] shape, DataType type) {
        double[] d = new double[g.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = g[i] * (left ? leftDerivative(a[i], b[i]) : rightDerivative(a[i], b[i]));
        }
        return fromOnnx(Broadcast.reduce(d, outShape, shape), type, shape);
    }

    private double leftDerivative(double x, double y) {
        return switch (kind) {
            case ADD, SUB -> 1;
            case MUL -> y;
            case DIV -> 1 / y;
            case POW -> y * Math.pow(x, y - 1);
            case MAX -> x >= y ? 1 : 0;
        };
    }

    private double rightDerivative(double x, double y) {
        return switch (kind) {
            case ADD -> 1;
            case SUB -> -1;
            case MUL -> x;
            case DIV -> -x / (y * y);
            case POW -> Math.pow(x, y) * Math.log(x);
            case MAX -> x >= y ? 0 : 1;
        };
    }

    @Override
    public GraphOp copy() {
        return new Binary(kind, leftConstant, rightConstant);
    }

    @Override
    public String toString() {
        return kind.name();
    }
}
