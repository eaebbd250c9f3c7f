package org.dml4j.nd;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MatrixProductsTest {

    private static final SplittableRandom RNG = new SplittableRandom(7);

    /** A rows × columns matrix of uniform values as Java doubles, row-major. */
    private static double[][] values(int rows, int columns) {
        double[][] v = new double[rows][columns];
        for (double[] row : v) {
            for (int j = 0; j < columns; j++) {
                row[j] = RNG.nextDouble(-1, 1);
            }
        }
        return v;
    }

    private static double[][] transpose(double[][] m) {
        double[][] t = new double[m[0].length][m.length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[0].length; j++) {
                t[j][i] = m[i][j];
            }
        }
        return t;
    }

    /** The product by the textbook triple loop, row-major, flattened. */
    private static double[] reference(double[][] a, double[][] b) {
        double[] out = new double[a.length * b[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b[0].length; j++) {
                double sum = 0;
                for (int k = 0; k < b.length; k++) {
                    sum += a[i][k] * b[k][j];
                }
                out[i * b[0].length + j] = sum;
            }
        }
        return out;
    }

    /** The factor as the product sees it, stored transposed when the product transposes it. */
    private static INDArray stored(double[][] factor, boolean transposed, DataType type) {
        return Nd4j.create(transposed ? transpose(factor) : factor).castTo(type);
    }

    @Test
    void everyTransposeAndTypeMatchesTheTextbookProductAsADenseRowMajorMatrix() {
        int[][] shapes = {{5, 7, 3}, {1, 4, 6}, {6, 4, 1}, {33, 65, 17}};
        for (DataType type : new DataType[]{DataType.DOUBLE, DataType.FLOAT}) {
            double tolerance = type == DataType.DOUBLE ? 1e-12 : 1e-5;
            for (int[] s : shapes) {
                double[][] a = values(s[0], s[1]);
                double[][] b = values(s[1], s[2]);
                double[] expected = reference(a, b);
                for (int flags = 0; flags < 4; flags++) {
                    boolean ta = (flags & 1) != 0;
                    boolean tb = (flags & 2) != 0;
                    INDArray product = MatrixProducts.product(stored(a, ta, type), stored(b, tb, type), ta, tb);
                    String what = type + " " + s[0] + "x" + s[1] + "x" + s[2] + " ta=" + ta + " tb=" + tb;
                    assertEquals(type, product.dataType(), what);
                    assertArrayEquals(new long[]{s[0], s[2]}, product.shape(), what);
                    assertTrue(HostArrays.isDenseRowMajor(product), what + ": " + product.shapeInfoToString());
                    assertArrayEquals(expected, HostArrays.doubles(product), tolerance, what);
                }
            }
        }
    }

    @Test
    void viewsOfLargerMatricesAreMultipliedAsTheirValues() {
        double[][] big = values(10, 6);
        double[][] right = values(4, 6);
        INDArray rows = Nd4j.create(big).get(NDArrayIndex.interval(3, 8), NDArrayIndex.all());
        INDArray columns = Nd4j.create(big).get(NDArrayIndex.all(), NDArrayIndex.interval(1, 5));
        double[][] rowValues = java.util.Arrays.copyOfRange(big, 3, 8);
        double[][] columnValues = new double[10][];
        for (int i = 0; i < 10; i++) {
            columnValues[i] = java.util.Arrays.copyOfRange(big[i], 1, 5);
        }
        assertArrayEquals(reference(rowValues, transpose(right)),
                HostArrays.doubles(MatrixProducts.product(rows, Nd4j.create(right), false, true)), 1e-12);
        assertArrayEquals(reference(transpose(columnValues), columnValues),
                HostArrays.doubles(MatrixProducts.product(columns, columns, true, false)), 1e-12);
    }

    @Test
    void theTrainingStepsLimitAndWorkspaceKeepTheValues() {
        double[][] a = values(256, 78);
        double[][] w = values(51, 78);
        double[] expected = reference(a, transpose(w));
        INDArray x = Nd4j.create(a).castTo(DataType.FLOAT);
        INDArray weight = Nd4j.create(w).castTo(DataType.FLOAT);
        try (NativeOpThreads ignored = NativeOpThreads.limit(1);
             MemoryWorkspace pass = Workspaces.pass("DML4J_MATRIX_PRODUCTS_TEST")) {
            INDArray product = MatrixProducts.product(x, weight, false, true).addiRowVector(Nd4j.ones(
                    DataType.FLOAT, 51));
            double[] shifted = expected.clone();
            for (int i = 0; i < shifted.length; i++) {
                shifted[i] += 1;
            }
            assertArrayEquals(shifted, HostArrays.doubles(product), 1e-4);
        }
    }

    @Test
    void accumulateAddsTheScaledProductToTheOutputInPlace() {
        double[][] a = values(3, 5);
        double[][] b = values(4, 5);
        double[][] start = values(3, 4);
        INDArray out = Nd4j.create(start);
        double[] product = reference(a, transpose(b));
        INDArray returned = MatrixProducts.accumulate(Nd4j.create(a), Nd4j.create(b), out, false, true, 2.0, 1.0);
        assertSame(out, returned);
        double[] expected = new double[12];
        for (int i = 0; i < 12; i++) {
            expected[i] = start[i / 4][i % 4] + 2 * product[i];
        }
        assertArrayEquals(expected, HostArrays.doubles(out), 1e-12);
        MatrixProducts.accumulate(Nd4j.create(a), Nd4j.create(b), out, false, true, 1.0, 0.0);
        assertArrayEquals(product, HostArrays.doubles(out), 1e-12);
    }

    @Test
    void accumulateRejectsAnOutputThatIsNotDenseRowMajor() {
        INDArray columnMajor = Nd4j.create(DataType.DOUBLE, new long[]{3, 4}, 'f');
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MatrixProducts.accumulate(
                Nd4j.ones(DataType.DOUBLE, 3, 5), Nd4j.ones(DataType.DOUBLE, 5, 4), columnMajor, false, false, 1, 0));
        assertTrue(e.getMessage().contains("dense row-major output"), e.getMessage());
    }
}
