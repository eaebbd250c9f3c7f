package org.dml4j.nd;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Matrix products {@code op(A) · op(B)} (each factor optionally transposed) as row-major arrays: DML4J's one way to
 * multiply matrices in layers, losses and distances. On ND4J's CPU backend with OpenBLAS, float32 and float64 products
 * of matrices with a unit stride are computed in blocks on DML4J's own threads ({@link BlockedProducts}, one
 * single-threaded OpenBLAS call per block); any other product goes through ND4J's {@code gemm} as below.
 * <p>
 * ND4J's oneDNN build (the CPU backend DML4J ships, see the root pom) runs a product whose output is row-major through
 * oneDNN's matmul, which uses as many threads as OpenMP allows the calling thread. Under the training step's and the
 * embedding's one-thread limit ({@link NativeOpThreads}) that is one thread: on two cores the reference MLP's
 * 256 × 784 × 512 product took 1.6 ms that way against 0.85 ms through OpenBLAS (BENCHMARKS.md, issue 24). A product
 * into a column-major array goes to BLAS. So each product here is computed as its transpose,
 * {@code op(B)ᵀ · op(A)ᵀ}, into a column-major array: that memory is the row-major product, and its transposed view
 * is an ordinary dense row-major matrix, with no copy. (A product with one row or one column is computed row-major
 * directly.)
 */
public final class MatrixProducts {

    private MatrixProducts() {
    }

    /**
     * The product {@code op(a) · op(b)} as a new row-major matrix (in the current workspace, if any).
     *
     * @param a          the left factor, a matrix
     * @param b          the right factor, a matrix of the same data type
     * @param transposeA whether the left factor is transposed
     * @param transposeB whether the right factor is transposed
     * @return the product, {@code [rows of op(a), columns of op(b)]}, row-major
     */
    public static INDArray product(INDArray a, INDArray b, boolean transposeA, boolean transposeB) {
        long rows = transposeA ? a.columns() : a.rows();
        long columns = transposeB ? b.rows() : b.columns();
        if (BlockedProducts.supports(a, b)) {
            INDArray out = Nd4j.createUninitialized(a.dataType(), new long[]{rows, columns}, 'c');
            BlockedProducts.multiply(a, b, out, transposeA, transposeB, 1.0, 0.0);
            return out;
        }
        if (rows == 1 || columns == 1) {
            // a vector: ND4J gives the transposed view of one column-major order, so it is computed row-major
            // directly (a matrix-vector product is bound by memory, not by threads)
            INDArray vector = Nd4j.createUninitialized(a.dataType(), new long[]{rows, columns}, 'c');
            return Nd4j.gemm(a, b, vector, transposeA, transposeB, 1.0, 0.0);
        }
        INDArray transposed = Nd4j.createUninitialized(a.dataType(), new long[]{columns, rows}, 'f');
        Nd4j.gemm(b, a, transposed, !transposeB, !transposeA, 1.0, 0.0);
        return transposed.transpose();
    }

    /**
     * Accumulates {@code out = alpha · op(a) · op(b) + beta · out} into an existing dense row-major matrix.
     *
     * @param a          the left factor, a matrix
     * @param b          the right factor, a matrix of the same data type
     * @param out        the dense row-major result, {@code [rows of op(a), columns of op(b)]}; updated in place
     * @param transposeA whether the left factor is transposed
     * @param transposeB whether the right factor is transposed
     * @param alpha      the product's factor
     * @param beta       the factor of {@code out}'s previous values (0 overwrites them)
     * @return {@code out}
     * @throws IllegalArgumentException if {@code out} is not a dense row-major matrix
     */
    public static INDArray accumulate(INDArray a, INDArray b, INDArray out, boolean transposeA, boolean transposeB,
                                      double alpha, double beta) {
        if (out.rank() != 2 || !HostArrays.isDenseRowMajor(out)) {
            throw new IllegalArgumentException("MatrixProducts.accumulate needs a dense row-major output matrix, found "
                    + out.shapeInfoToString().replace('\n', ' '));
        }
        if (BlockedProducts.supports(a, b) && a.dataType() == out.dataType()) {
            BlockedProducts.multiply(a, b, out, transposeA, transposeB, alpha, beta);
        } else {
            Nd4j.gemm(b, a, out.transpose(), !transposeB, !transposeA, alpha, beta);
        }
        return out;
    }
}
