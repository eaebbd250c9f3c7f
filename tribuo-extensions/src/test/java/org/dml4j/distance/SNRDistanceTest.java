package org.dml4j.distance;

import org.dml4j.testutil.FiniteDifferences;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PML's signal-to-noise-ratio distance: values from its definition, gradients, and constant rows. */
class SNRDistanceTest {

    private static INDArray random(int rows, int dim, long seed) {
        Random rng = new Random(seed);
        double[][] out = new double[rows][dim];
        for (double[] row : out) {
            for (int k = 0; k < dim; k++) {
                row[k] = rng.nextGaussian() * 3 + 1;
            }
        }
        return Nd4j.create(out);
    }

    /** The unbiased variance of a vector, as torch.var. */
    private static double variance(double[] v) {
        double mean = 0;
        for (double x : v) {
            mean += x / v.length;
        }
        double s = 0;
        for (double x : v) {
            s += (x - mean) * (x - mean);
        }
        return s / (v.length - 1);
    }

    @Test
    void valuesAreTheNoiseVarianceOverTheSignalVariance() {
        INDArray x = random(5, 7, 1);
        for (boolean normalize : new boolean[]{true, false}) {
            PairwiseMatrix m = new SNRDistance(normalize).pairwise(x);
            INDArray u = normalize ? x.div(x.norm2(1).reshape(5, 1)) : x;
            for (int i = 0; i < 5; i++) {
                for (int j = 0; j < 5; j++) {
                    double[] q = u.getRow(i).toDoubleVector();
                    double[] diff = u.getRow(i).sub(u.getRow(j)).toDoubleVector();
                    double expected = variance(diff) / variance(q);
                    assertEquals(expected, m.get(i, j), 1e-12 * Math.max(1, expected), i + "," + j);
                }
            }
            assertEquals(0, m.get(2, 2));
            assertNotEquals(m.get(0, 1), m.get(1, 0), "SNR is not symmetric");
        }
        assertFalse(new SNRDistance().isInverted());
        assertTrue(new SNRDistance().normalizesEmbeddings(), "PML's default normalizes");
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        for (SNRDistance d : new SNRDistance[]{new SNRDistance(), new SNRDistance(false)}) {
            INDArray x = random(6, 5, 4);
            Random rng = new Random(9);
            double[] weights = new double[36];
            for (int k = 0; k < weights.length; k++) {
                weights[k] = rng.nextGaussian();
            }
            INDArray analytic = d.pairwise(x).backward(weights).queries();
            assertTrue(FiniteDifferences.relativeError(v -> DistanceTest.weighted(d.pairwise(v), weights), x,
                    analytic) < 1e-6, d + " self gradient");
            INDArray y = random(3, 5, 5);
            double[] cross = java.util.Arrays.copyOf(weights, 18);
            EmbeddingGradients g = d.pairwise(x, y).backward(cross);
            assertTrue(FiniteDifferences.relativeError(v -> DistanceTest.weighted(d.pairwise(v, y), cross), x,
                    g.queries()) < 1e-6, d + " query gradient");
            assertTrue(FiniteDifferences.relativeError(v -> DistanceTest.weighted(d.pairwise(x, v), cross), y,
                    g.references()) < 1e-6, d + " reference gradient");
            INDArray sum = d.pairwise(x, x.dup()).backward(weights).queries()
                    .add(d.pairwise(x, x.dup()).backward(weights).references());
            assertTrue(analytic.sub(sum).norm2Number().doubleValue() <= 1e-12 * sum.norm2Number().doubleValue(),
                    "a self gradient is the sum of the query and reference gradients");
        }
    }

    @Test
    void constantRowsHaveFiniteValuesAndGradients() {
        INDArray x = Nd4j.create(new double[][]{{0, 0, 0}, {0, 0, 0}, {2, 2, 2}, {1, 2, 3}}).castTo(DataType.FLOAT);
        PairwiseMatrix m = new SNRDistance().pairwise(x);
        assertEquals(0, m.get(0, 1), "two zero rows (PML: 0/0 = NaN)");
        for (double v : m.toArray()) {
            assertTrue(Double.isFinite(v), "value " + v);
        }
        double[] ones = new double[16];
        java.util.Arrays.fill(ones, 1);
        INDArray g = m.backward(ones).queries();
        assertEquals(DataType.FLOAT, g.dataType());
        assertFalse(g.castTo(DataType.DOUBLE).isNaN().any() || g.castTo(DataType.DOUBLE).isInfinite().any());
    }
}
