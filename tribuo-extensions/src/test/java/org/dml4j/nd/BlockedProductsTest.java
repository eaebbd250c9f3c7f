package org.dml4j.nd;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlockedProductsTest {

    /** The product in float64 by ND4J's own gemm, flattened row-major: the reference. */
    private static double[] reference(INDArray a, INDArray b, boolean ta, boolean tb) {
        INDArray da = a.castTo(DataType.DOUBLE);
        INDArray db = b.castTo(DataType.DOUBLE);
        return (ta ? da.transpose() : da).mmul(tb ? db.transpose() : db).dup('c').data().asDouble();
    }

    /** A factor {@code op(x)} of rows × columns, stored transposed when the product transposes it. */
    private static INDArray factor(long rows, long columns, boolean transposed, DataType type, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.DOUBLE, transposed ? columns : rows, transposed ? rows : columns).subi(0.5)
                .castTo(type);
    }

    @Test
    void largeProductsAreSplitIntoSeveralBlocks() {
        assertEquals(1, BlockedProducts.blocks(512, BlockedProducts.MIN_PARALLEL_WORK - 1), "small work: one block");
        assertEquals(1, BlockedProducts.blocks(BlockedProducts.MIN_BLOCK * 2 - 1, 1L << 30),
                "narrower than two blocks: one");
        assertEquals(Math.min(ProductWorkers.WORKERS + 1, 8), BlockedProducts.blocks(512, 256L * 512 * 784),
                "the reference MLP's first product: one block per core, at least 64 columns each");
    }

    @Test
    void everyTransposeOfBothTypesMatchesTheReferenceWhenSplitAlongColumnsOrRows() {
        // 96 x 300 (split along the columns) and 300 x 96 (along the rows), inner size 257: several blocks each
        long[][] shapes = {{96, 257, 300}, {300, 257, 96}};
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            double tolerance = type == DataType.FLOAT ? 1e-4 : 1e-12;
            for (long[] s : shapes) {
                for (int flags = 0; flags < 4; flags++) {
                    boolean ta = (flags & 1) != 0;
                    boolean tb = (flags & 2) != 0;
                    INDArray a = factor(s[0], s[1], ta, type, 11);
                    INDArray b = factor(s[1], s[2], tb, type, 12);
                    String what = type + " " + Arrays.toString(s) + " ta=" + ta + " tb=" + tb;
                    assertTrue(BlockedProducts.supports(a, b), what);
                    INDArray out = MatrixProducts.product(a, b, ta, tb);
                    assertArrayEquals(new long[]{s[0], s[2]}, out.shape(), what);
                    assertTrue(HostArrays.isDenseRowMajor(out), what);
                    assertArrayEquals(reference(a, b, ta, tb), HostArrays.doubles(out), tolerance, what);
                }
            }
        }
    }

    @Test
    void viewsWithAnOffsetAndTransposedViewsAreReadInPlace() {
        INDArray big = factor(600, 400, false, DataType.FLOAT, 13);
        INDArray rows = big.get(NDArrayIndex.interval(300, 556), NDArrayIndex.all());   // offset, stride 400
        INDArray columns = big.get(NDArrayIndex.all(), NDArrayIndex.interval(100, 356)); // offset, leading 400
        INDArray weight = factor(384, 400, false, DataType.FLOAT, 14);
        assertArrayEquals(reference(rows, weight, false, true),
                HostArrays.doubles(MatrixProducts.product(rows, weight, false, true)), 1e-4);
        assertArrayEquals(reference(columns, columns, true, false),
                HostArrays.doubles(MatrixProducts.product(columns, columns, true, false)), 1e-4);
        INDArray transposedView = weight.transpose(); // column-major view: leading dimension 400
        assertArrayEquals(reference(rows, transposedView, false, false),
                HostArrays.doubles(MatrixProducts.product(rows, transposedView, false, false)), 1e-4);
    }

    @Test
    void accumulateScalesAndAddsInPlace() {
        INDArray a = factor(128, 300, false, DataType.FLOAT, 15);
        INDArray b = factor(300, 512, false, DataType.FLOAT, 16);
        INDArray start = factor(128, 512, false, DataType.FLOAT, 17);
        INDArray out = start.dup('c');
        MatrixProducts.accumulate(a, b, out, false, false, 0.5, 2.0);
        double[] product = reference(a, b, false, false);
        double[] initial = HostArrays.doubles(start);
        double[] expected = new double[product.length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = 2.0 * initial[i] + 0.5 * product[i];
        }
        assertArrayEquals(expected, HostArrays.doubles(out), 1e-4);
    }

    @Test
    void theBitsDoNotDependOnWhichThreadsComputeTheBlocks() {
        INDArray x = factor(256, 784, false, DataType.FLOAT, 18);
        INDArray w = factor(512, 784, false, DataType.FLOAT, 19);
        float[] shared = MatrixProducts.product(x, w, false, true).data().asFloat();
        float[][] alone = new float[2][];
        // inside a block of another product the workers are taken: each product's blocks run on one thread
        ProductWorkers.run(2, i -> alone[i] = MatrixProducts.product(x, w, false, true).data().asFloat());
        assertArrayEquals(shared, alone[0]);
        assertArrayEquals(shared, alone[1]);
        assertEquals(1, Nd4j.factory().blas().getMaxThreads(), "OpenBLAS's own threads are off once blocks run");
    }

    @Test
    void factorsThatDoNotFitAreRefusedBeforeAnyMemoryIsRead() {
        INDArray a = Nd4j.rand(DataType.FLOAT, 300, 200);
        INDArray b = Nd4j.rand(DataType.FLOAT, 300, 400);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MatrixProducts.product(a, b, false, false));
        assertTrue(e.getMessage().contains("300 x 200 by 300 x 400"), e.getMessage());
        assertArrayEquals(new long[]{200, 400}, MatrixProducts.product(a, b, true, false).shape());
    }

    @Test
    void onlyMatricesWithAUnitStrideAreTaken() {
        INDArray dense = Nd4j.rand(DataType.FLOAT, 6, 8);
        assertNotNull(BlockedProducts.Layout.of(dense));
        assertTrue(BlockedProducts.Layout.of(dense.transpose()).transposed());
        INDArray everyOtherColumn = dense.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2, 8));
        assertNull(BlockedProducts.Layout.of(everyOtherColumn), "stride 2 in both directions");
        INDArray ints = Nd4j.ones(DataType.INT32, 4, 4);
        assertTrue(!BlockedProducts.supports(ints, ints), "integer products go to ND4J");
        assertArrayEquals(new double[]{4, 4, 4, 4, 4, 4}, MatrixProducts.product(everyOtherColumn.mul(0).addi(1),
                Nd4j.ones(DataType.FLOAT, 4, 1), false, false).data().asDouble(), 0);
    }
}
