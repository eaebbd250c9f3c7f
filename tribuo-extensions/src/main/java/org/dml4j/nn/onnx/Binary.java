package org.dml4j.nn.onnx;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * The element-wise ONNX {@code Add}, {@code Sub}, {@code Mul}, {@code Div}, {@code Pow} and {@code Max} (of two
 * inputs) with numpy-style broadcasting: of two values (a residual connection, a normalization's centring), or of a
 * value and a constant (the scalars of GELU's error-function form, a pooling's exponent). Arithmetic on two values of
 * one shape or a value and a scalar runs as ND4J operations in the value's layout; the rest (broadcasting,
 * {@code Pow}, {@code Max}) on the host in ONNX's layout, in double precision.
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
    private INDArray left;
    private INDArray right;

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
        a = null;
        left = null;
        right = null;
        if (kind.compareTo(Kind.DIV) <= 0 && (sameLayout || scalar(leftConstant, second) || scalar(rightConstant, first))) {
            left = first;
            right = second;
            return arithmetic(first == null ? left(second) : first, second == null ? right(first) : second);
        }
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

    /** Whether a constant is one value that broadcasts to the value's shape. */
    private static boolean scalar(Constant c, INDArray value) {
        return c != null && c.values().length == 1 && c.shape().length <= value.rank();
    }

    /** The left constant as an array of the value's shape. */
    private INDArray left(INDArray like) {
        return like.like().assign(leftConstant.values()[0]);
    }

    private INDArray right(INDArray like) {
        return like.like().assign(rightConstant.values()[0]);
    }

    private INDArray arithmetic(INDArray x, INDArray y) {
        return switch (kind) {
            case ADD -> x.add(y);
            case SUB -> x.sub(y);
            case MUL -> x.mul(y);
            default -> x.div(y);
        };
    }

    /** The gradients of the ND4J path. */
    private INDArray[] arithmeticBackward(INDArray g, boolean[] wanted) {
        INDArray x = left == null ? left(right) : left;
        INDArray y = right == null ? right(left) : right;
        INDArray[] grads = new INDArray[wanted.length];
        int next = 0;
        if (left != null) {
            grads[next] = wanted[next] ? switch (kind) {
                case ADD, SUB -> g.dup();
                case MUL -> g.mul(y);
                default -> g.div(y);
            } : null;
            next++;
        }
        if (right != null && wanted[next]) {
            grads[next] = switch (kind) {
                case ADD -> g.dup();
                case SUB -> g.neg();
                case MUL -> g.mul(x);
                // d(a/b)/db = -a/b²
                default -> g.mul(x).negi().divi(y).divi(y);
            };
        }
        return grads;
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
        if (left != null || right != null) {
            return arithmeticBackward(gradOutput, wanted);
        }
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
