package org.dml4j.loss;

import org.dml4j.nd.HostArrays;
import org.dml4j.nd.MatrixProducts;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Dense float64 matrix inverse and the product its backward pass needs, on row-major square matrices. */
final class LinearAlgebra {

    private LinearAlgebra() {
    }

    /**
     * The inverse of a square matrix by Gauss-Jordan elimination with partial pivoting.
     *
     * @param matrix the n × n matrix, row-major (not modified)
     * @param n      its order
     * @return the inverse, row-major
     * @throws ArithmeticException if the matrix is singular
     */
    static double[] inverse(double[] matrix, int n) {
        double[] a = matrix.clone();
        double[] inv = new double[n * n];
        for (int i = 0; i < n; i++) {
            inv[i * n + i] = 1;
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(a[r * n + col]) > Math.abs(a[pivot * n + col])) {
                    pivot = r;
                }
            }
            if (a[pivot * n + col] == 0) {
                throw new ArithmeticException("singular matrix (column " + col + ")");
            }
            swapRows(a, n, col, pivot);
            swapRows(inv, n, col, pivot);
            double p = 1 / a[col * n + col];
            for (int c = 0; c < n; c++) {
                a[col * n + c] *= p;
                inv[col * n + c] *= p;
            }
            for (int r = 0; r < n; r++) {
                double factor = a[r * n + col];
                if (r == col || factor == 0) {
                    continue;
                }
                for (int c = 0; c < n; c++) {
                    a[r * n + c] -= factor * a[col * n + c];
                    inv[r * n + c] -= factor * inv[col * n + c];
                }
            }
        }
        return inv;
    }

    private static void swapRows(double[] m, int n, int r1, int r2) {
        if (r1 == r2) {
            return;
        }
        for (int c = 0; c < n; c++) {
            double t = m[r1 * n + c];
            m[r1 * n + c] = m[r2 * n + c];
            m[r2 * n + c] = t;
        }
    }

    /**
     * {@code Bᵀ G Bᵀ}: with {@code B = A^{-1}} and {@code G = dL/dB}, the negation of {@code dL/dA}.
     *
     * @param b the n × n matrix B, row-major
     * @param g the n × n matrix G, row-major
     * @param n the order
     * @return the product, row-major
     */
    static double[] transposedSandwich(double[] b, double[] g, int n) {
        INDArray bt = HostArrays.float64(b, n, n);
        INDArray left = MatrixProducts.product(bt, HostArrays.float64(g, n, n), true, false);
        return HostArrays.doubles(MatrixProducts.product(left, bt, false, true));
    }
}
