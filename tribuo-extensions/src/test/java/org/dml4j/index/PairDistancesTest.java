package org.dml4j.index;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PairDistancesTest {
    private static final INDArray ROWS = Nd4j.create(new double[][]{{0, 0}, {3, 4}, {1, 0}});
    private static final int[] FIRST = {0, 1, 2};
    private static final int[] SECOND = {1, 2, 2};

    @Test
    void handComputed() {
        assertArrayEquals(new double[]{25, 20, 0},
                PairDistances.compute(ROWS, FIRST, SECOND, KnnDistance.SQUARED_EUCLIDEAN), 1e-12);
        assertArrayEquals(new double[]{-0.0, -3, -1}, PairDistances.compute(ROWS, FIRST, SECOND, KnnDistance.DOT),
                1e-12);
        double[] cosine = PairDistances.compute(ROWS, FIRST, SECOND, KnnDistance.COSINE);
        assertEquals(1.0, cosine[0], 1e-12); // the zero row normalizes to zero
        assertEquals(0.4, cosine[1], 1e-12);
        assertEquals(0.0, cosine[2], 1e-12);
    }

    @Test
    void matchesDirectComputationAcrossBlocks() {
        Random rng = new Random(5);
        int n = 300;
        int d = 6;
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = rng.nextGaussian();
            }
        }
        int pairs = 40_000;
        int[] a = new int[pairs];
        int[] b = new int[pairs];
        for (int p = 0; p < pairs; p++) {
            a[p] = rng.nextInt(n);
            b[p] = rng.nextInt(n);
        }
        double[] got = PairDistances.compute(Nd4j.create(x), a, b, KnnDistance.SQUARED_EUCLIDEAN);
        double[] gotFloat = PairDistances.compute(Nd4j.create(x).castTo(DataType.FLOAT), a, b,
                KnnDistance.SQUARED_EUCLIDEAN);
        for (int p = 0; p < pairs; p++) {
            double expected = 0;
            for (int j = 0; j < d; j++) {
                double diff = x[a[p]][j] - x[b[p]][j];
                expected += diff * diff;
            }
            assertEquals(expected, got[p], 1e-10);
            assertEquals(expected, gotFloat[p], 1e-4 * (1 + expected));
        }
    }

    @Test
    void rejectsBadInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PairDistances.compute(ROWS, new int[]{0}, new int[]{3}, KnnDistance.DOT));
        assertEquals("second[0] = 3 is not a row index of the 3 embeddings", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> PairDistances.compute(ROWS, new int[]{0}, new int[]{1, 2}, KnnDistance.DOT));
        assertThrows(IllegalArgumentException.class, () -> PairDistances.compute(ROWS, FIRST, SECOND, null));
    }
}
