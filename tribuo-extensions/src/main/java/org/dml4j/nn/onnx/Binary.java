package org.dml4j.nn.onnx;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * The element-wise ONNX {@code Add}, {@code Sub}, {@code Mul} and {@code Div} of two values of the same shape (a
 * residual connection) or of a value and a constant scalar (the error-function form of GELU). Other broadcasting is
 * rejected when the shapes meet.
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
        DIV
    }

    private final Kind kind;
    private final Double leftConstant;
    private final Double rightConstant;
    private INDArray left;
    private INDArray right;

    /**
     * Creates the operation. The inputs of {@link #forward} are the operands that are not constants, in order.
     *
     * @param kind          the operation
     * @param leftConstant  the left operand when it is a constant scalar, else null
     * @param rightConstant the right operand when it is a constant scalar, else null
     */
    Binary(Kind kind, Double leftConstant, Double rightConstant) {
        this.kind = kind;
        this.leftConstant = leftConstant;
        this.rightConstant = rightConstant;
    }

    @Override
    public INDArray forward(INDArray[] inputs, boolean training) {
        left = leftConstant == null ? inputs[0] : null;
        right = rightConstant == null ? inputs[inputs.length - 1] : null;
        if (left != null && right != null && !Arrays.equals(left.shape(), right.shape())) {
            throw new IllegalArgumentException(kind + " of shapes " + Arrays.toString(left.shape()) + " and "
                    + Arrays.toString(right.shape()) + ": only equal shapes or a scalar constant are supported");
        }
        if (left == null) {
            return switch (kind) {
                case ADD -> right.add(leftConstant);
                case SUB -> right.rsub(leftConstant);
                case MUL -> right.mul(leftConstant);
                case DIV -> right.rdiv(leftConstant);
            };
        }
        Number b = right == null ? rightConstant : null;
        return switch (kind) {
            case ADD -> b == null ? left.add(right) : left.add(b);
            case SUB -> b == null ? left.sub(right) : left.sub(b);
            case MUL -> b == null ? left.mul(right) : left.mul(b);
            case DIV -> b == null ? left.div(right) : left.div(b);
        };
    }

    @Override
    public INDArray[] backward(INDArray g, boolean[] wanted) {
        if (left == null && right == null) {
            throw new IllegalStateException(kind + ".backward called before forward: run forward(input, true) first");
        }
        INDArray[] grads = new INDArray[wanted.length];
        int next = 0;
        if (left != null) {
            grads[next] = wanted[next] ? leftGradient(g) : null;
            next++;
        }
        if (right != null) {
            grads[next] = wanted[next] ? rightGradient(g) : null;
        }
        return grads;
    }

    private INDArray leftGradient(INDArray g) {
        return switch (kind) {
            case ADD, SUB -> g.dup();
            case MUL -> right == null ? g.mul(rightConstant) : g.mul(right);
            case DIV -> right == null ? g.div(rightConstant) : g.div(right);
        };
    }

    private INDArray rightGradient(INDArray g) {
        return switch (kind) {
            case ADD -> g.dup();
            case SUB -> g.neg();
            case MUL -> left == null ? g.mul(leftConstant) : g.mul(left);
            // d(a/b)/db = -a/b²
            case DIV -> (left == null ? g.mul(-leftConstant) : g.mul(left).negi()).divi(right).divi(right);
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
