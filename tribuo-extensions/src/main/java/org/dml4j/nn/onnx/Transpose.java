package org.dml4j.nn.onnx;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ONNX {@code Transpose}: the axes of a value in ONNX's layout permuted (reversed without a {@code perm}); the
 * backward pass applies the inverse permutation.
 */
final class Transpose implements GraphOp {

    private final int[] perm;
    private int[] applied;

    /**
     * @param perm the permutation, output axis i taking input axis {@code perm[i]}; empty to reverse the axes
     */
    Transpose(int[] perm) {
        this.perm = perm.clone();
    }

    @Override
    public INDArray forward(INDArray[] inputs, boolean training) {
        int rank = inputs[0].rank();
        int[] p = perm;
        if (p.length == 0) {
            p = new int[rank];
            for (int i = 0; i < rank; i++) {
                p[i] = rank - 1 - i;
            }
        }
        boolean[] seen = new boolean[rank];
        for (int axis : p) {
            if (p.length != rank || axis < 0 || axis >= rank || seen[axis]) {
                throw new IllegalArgumentException("perm " + java.util.Arrays.toString(p)
                        + " is not a permutation of the " + rank + " axes");
            }
            seen[axis] = true;
        }
        applied = p;
        return Layouts.fromOnnx(Layouts.toOnnx(inputs[0]).permute(p));
    }

    @Override
    public INDArray[] backward(INDArray gradOutput, boolean[] wanted) {
        int[] p = ForwardCheck.require(applied, "Transpose");
        if (!wanted[0]) {
            return new INDArray[1];
        }
        int[] inverse = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            inverse[p[i]] = i;
        }
        return new INDArray[]{Layouts.fromOnnx(Layouts.toOnnx(gradOutput).permute(inverse))};
    }

    @Override
    public GraphOp copy() {
        return new Transpose(perm);
    }

    @Override
    public String toString() {
        return "Transpose";
    }
}
