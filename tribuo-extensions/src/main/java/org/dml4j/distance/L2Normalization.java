package org.dml4j.distance;

/**
 * Row-wise L2 normalization {@code u = x / max(||x||, 1e-12)} and its backward pass, exactly as PyTorch's
 * {@code F.normalize} (below the floor the norm is a constant, so the gradient is {@code g / 1e-12}). The distances
 * and the networks' output layer ({@code org.dml4j.nn.L2Normalize}) share it.
 * <p>
 * It works on row-major float64 Java arrays: for a batch of embeddings that is a few Java loops, where the same
 * through ND4J took a norm, a clamp, a broadcast division and four more ops in the backward pass, each with its
 * fixed cost.
 */
public final class L2Normalization {

    /** The floor under the norm, as PyTorch's default {@code eps}. */
    public static final double EPSILON = 1e-12;

    private final int rows;
    private final int cols;
    private final double[] normalized;
    private final double[] clampedNorms;
    private final boolean[] belowFloor;

    private L2Normalization(double[] x, int rows, int cols) {
        if (x.length != (long) rows * cols) {
            throw new IllegalArgumentException("a " + rows + " x " + cols + " matrix has " + (long) rows * cols
                    + " values, found " + x.length);
        }
        this.rows = rows;
        this.cols = cols;
        this.normalized = new double[x.length];
        this.clampedNorms = new double[rows];
        this.belowFloor = new boolean[rows];
        for (int i = 0; i < rows; i++) {
            int offset = i * cols;
            double squares = 0;
            for (int k = 0; k < cols; k++) {
                double value = x[offset + k];
                squares += value * value;
            }
            double norm = Math.sqrt(squares);
            belowFloor[i] = norm <= EPSILON;
            double clamped = Math.max(norm, EPSILON);
            clampedNorms[i] = clamped;
            for (int k = 0; k < cols; k++) {
                normalized[offset + k] = x[offset + k] / clamped;
            }
        }
    }

    /**
     * Normalizes the rows of a row-major matrix.
     *
     * @param x    the values, row-major, one embedding per row; not modified
     * @param rows the number of rows
     * @param cols the number of columns
     * @return the normalization, holding what its backward pass needs
     */
    public static L2Normalization of(double[] x, int rows, int cols) {
        return new L2Normalization(x, rows, cols);
    }

    /** @return the normalized rows, row-major (the live array: do not modify it) */
    public double[] normalized() {
        return normalized;
    }

    /**
     * Maps a gradient with respect to the normalized rows to a gradient with respect to the raw rows:
     * {@code (g - u (u·g)) / ||x||}, or {@code g / 1e-12} for rows whose norm is below the floor.
     *
     * @param gradient dL/du, row-major; not modified
     * @return dL/dx, row-major
     */
    public double[] backward(double[] gradient) {
        if (gradient.length != normalized.length) {
            throw new IllegalArgumentException("the gradient has " + gradient.length + " values but the normalized "
                    + rows + " x " + cols + " matrix has " + normalized.length);
        }
        double[] out = new double[gradient.length];
        for (int i = 0; i < rows; i++) {
            int offset = i * cols;
            double projection = 0;
            if (!belowFloor[i]) {
                for (int k = 0; k < cols; k++) {
                    projection += normalized[offset + k] * gradient[offset + k];
                }
            }
            double norm = clampedNorms[i];
            for (int k = 0; k < cols; k++) {
                out[offset + k] = (gradient[offset + k] - normalized[offset + k] * projection) / norm;
            }
        }
        return out;
    }
}
