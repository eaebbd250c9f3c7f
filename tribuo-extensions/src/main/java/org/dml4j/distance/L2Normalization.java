package org.dml4j.distance;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Row-wise L2 normalization {@code u = x / max(||x||, 1e-12)} and its backward pass, exactly as PyTorch's
 * {@code F.normalize} (below the floor the norm is a constant, so the gradient is {@code g / 1e-12}). The distances
 * and the networks' output layer ({@code org.dml4j.nn.L2Normalize}) share it.
 */
public final class L2Normalization {

    /** The floor under the norm, as PyTorch's default {@code eps}. */
    public static final double EPSILON = 1e-12;

    private final INDArray normalized;
    private final INDArray clampedNorms;
    private final boolean[] belowFloor;

    private L2Normalization(INDArray x) {
        INDArray norms = x.norm2(1).reshape(x.rows(), 1);
        this.belowFloor = new boolean[x.rows()];
        double[] n = norms.toDoubleVector();
        for (int i = 0; i < n.length; i++) {
            belowFloor[i] = n[i] <= EPSILON;
        }
        this.clampedNorms = Transforms.max(norms, EPSILON, true);
        this.normalized = x.divColumnVector(clampedNorms);
    }

    /**
     * Normalizes the rows of {@code x}.
     *
     * @param x a matrix, one embedding per row
     * @return the normalization, holding what its backward pass needs
     */
    public static L2Normalization of(INDArray x) {
        return new L2Normalization(x);
    }

    /** @return the normalized rows */
    public INDArray normalized() {
        return normalized;
    }

    /**
     * Maps a gradient with respect to the normalized rows to a gradient with respect to the raw rows:
     * {@code (g - u (u·g)) / ||x||}, or {@code g / 1e-12} for rows whose norm is below the floor.
     *
     * @param gradient dL/du
     * @return dL/dx
     */
    public INDArray backward(INDArray gradient) {
        INDArray projection = normalized.mul(gradient).sum(true, 1);
        for (int i = 0; i < belowFloor.length; i++) {
            if (belowFloor[i]) {
                projection.putScalar(i, 0, 0.0);
            }
        }
        return gradient.sub(normalized.mulColumnVector(projection)).diviColumnVector(clampedNorms);
    }
}
