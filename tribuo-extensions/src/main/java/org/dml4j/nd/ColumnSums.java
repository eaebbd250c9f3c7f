package org.dml4j.nd;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The column sums of a matrix (a layer's bias gradient: the output gradient summed over the batch), as one matrix
 * product with a row of ones.
 * <p>
 * ND4J 1.0.0-M2.1's {@code sum(0)} over a row-major matrix reduces each column along a strided view: 0.16 ms for
 * the 256 × 512 gradient of a 784-512-128 MLP's first layer, where the product takes 0.07 ms (BENCHMARKS.md,
 * "Session 5"). Both sum in the matrix's precision; the product's order of summation is BLAS's.
 */
public final class ColumnSums {

    private ColumnSums() {
    }

    /**
     * Sums a matrix over its rows.
     *
     * @param matrix a floating-point {@code rows × columns} matrix
     * @return a new vector of {@code columns} sums, in the matrix's type
     * @throws IllegalArgumentException if {@code matrix} is not rank 2
     */
    public static INDArray of(INDArray matrix) {
        if (matrix.rank() != 2) {
            throw new IllegalArgumentException("ColumnSums needs a matrix, found rank " + matrix.rank());
        }
        if (matrix.rows() == 0) {
            return Nd4j.zeros(matrix.dataType(), matrix.columns());
        }
        INDArray ones = Nd4j.ones(matrix.dataType(), 1, matrix.rows());
        return MatrixProducts.product(ones, matrix, false, false).reshape(matrix.columns());
    }
}
