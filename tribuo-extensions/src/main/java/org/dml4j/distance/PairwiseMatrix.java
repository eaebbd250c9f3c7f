package org.dml4j.distance;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The values of a {@link Distance} between every query row and every reference row, held as a row-major
 * {@code double[]} for the per-pair loss and mining code, together with the backward pass that turns dL/dM into
 * gradients with respect to the raw embeddings.
 */
public final class PairwiseMatrix {

    /** The backward pass of one pairwise computation. */
    @FunctionalInterface
    interface Backward {
        /**
         * @param gradient   dL/dM
         * @param references whether to compute dL/d(references) too (always true for a self matrix)
         * @return the gradients
         */
        EmbeddingGradients apply(double[] gradient, boolean references);
    }

    private final double[] values;
    private final int rows;
    private final int cols;
    private final int dimension;
    private final boolean inverted;
    private final boolean self;
    private final Backward backward;

    PairwiseMatrix(double[] values, int rows, int cols, int dimension, boolean inverted, boolean self,
                   Backward backward) {
        this.values = values;
        this.rows = rows;
        this.cols = cols;
        this.dimension = dimension;
        this.inverted = inverted;
        this.self = self;
        this.backward = backward;
    }

    /** @return the number of query rows */
    public int rows() {
        return rows;
    }

    /** @return the number of reference rows */
    public int cols() {
        return cols;
    }

    /** @return the dimension of the embeddings compared */
    public int dimension() {
        return dimension;
    }

    /** @return true if larger values mean more similar */
    public boolean isInverted() {
        return inverted;
    }

    /** @return +1 for a distance, -1 for a similarity (see {@link Distance#marginSign()}) */
    public double marginSign() {
        return inverted ? -1.0 : 1.0;
    }

    /** @return true if queries and references are the same rows */
    public boolean isSelf() {
        return self;
    }

    /**
     * The value between query {@code i} and reference {@code j}.
     *
     * @param i the query row
     * @param j the reference row
     * @return the distance or similarity
     */
    public double get(int i, int j) {
        return values[i * cols + j];
    }

    /**
     * A copy of the values, row-major.
     *
     * @return the values
     */
    public double[] toArray() {
        return values.clone();
    }

    /**
     * A zero array shaped like this matrix, to accumulate dL/dM in.
     *
     * @return a row-major array of {@code rows × cols} zeros
     */
    public double[] newGradient() {
        return new double[rows * cols];
    }

    /**
     * Back-propagates a gradient with respect to this matrix to the raw embeddings (through the normalization when
     * the distance normalizes).
     *
     * @param gradient dL/dM, row-major, {@code rows × cols}
     * @return dL/d(queries) and dL/d(references); for a self matrix both are the same array, holding the total
     */
    public EmbeddingGradients backward(double[] gradient) {
        checkGradient(gradient);
        return backward.apply(gradient, true);
    }

    /**
     * Back-propagates a gradient with respect to this matrix to the queries only, for references held constant
     * (detached, such as a cross-batch memory): the work of their gradient is skipped.
     *
     * @param gradient dL/dM, row-major, {@code rows × cols}
     * @return dL/d(queries); for a self matrix the total gradient of its rows
     */
    public INDArray backwardQueries(double[] gradient) {
        checkGradient(gradient);
        return backward.apply(gradient, self).queries();
    }

    private void checkGradient(double[] gradient) {
        if (gradient.length != values.length) {
            throw new IllegalArgumentException("gradient has " + gradient.length + " entries, expected "
                    + rows + " x " + cols + " = " + values.length);
        }
    }
}
