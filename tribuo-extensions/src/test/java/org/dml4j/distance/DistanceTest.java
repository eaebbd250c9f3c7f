package org.dml4j.distance;

import org.dml4j.testutil.FiniteDifferences;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DistanceTest {

    private static double[][] random(int rows, int dim, long seed) {
        Random rng = new Random(seed);
        double[][] out = new double[rows][dim];
        for (double[] row : out) {
            for (int k = 0; k < dim; k++) {
                row[k] = rng.nextGaussian() * 3;
            }
        }
        return out;
    }

    private static double[] normalized(double[] row, boolean normalize) {
        double norm = 0;
        for (double v : row) {
            norm += v * v;
        }
        double scale = normalize ? 1 / Math.max(Math.sqrt(norm), 1e-12) : 1;
        double[] out = row.clone();
        for (int k = 0; k < out.length; k++) {
            out[k] *= scale;
        }
        return out;
    }

    @Test
    void valuesMatchTheDefinitions() {
        double[][] q = random(5, 4, 1);
        double[][] r = random(3, 4, 2);
        for (Distance d : List.of(new LpDistance(), new LpDistance(false, 1), new LpDistance(true, 2),
                new CosineSimilarity(), new DotProductSimilarity())) {
            PairwiseMatrix m = d.pairwise(Nd4j.create(q), Nd4j.create(r));
            for (int i = 0; i < q.length; i++) {
                for (int j = 0; j < r.length; j++) {
                    double[] u = normalized(q[i], d.normalizesEmbeddings());
                    double[] v = normalized(r[j], d.normalizesEmbeddings());
                    double dot = 0;
                    double sq = 0;
                    for (int k = 0; k < u.length; k++) {
                        dot += u[k] * v[k];
                        sq += (u[k] - v[k]) * (u[k] - v[k]);
                    }
                    double expected = d.isInverted() ? dot : ((LpDistance) d).power() == 2 ? sq : Math.sqrt(sq);
                    assertEquals(expected, m.get(i, j), 1e-12, d + " at " + i + "," + j);
                }
            }
        }
    }

    @Test
    void nearDuplicatesKeepTheirRelativePrecision() {
        // Rows at distances 1e-7 to 1e-1 from each other, around the product form's cancellation threshold: each
        // distance must be accurate relative to itself, not to the norms.
        double[][] base = random(1, 128, 9);
        double[][] direction = random(1, 128, 10);
        double[] u = normalized(base[0], true);
        double[] w = normalized(direction[0], true);
        double[] scales = {1e-7, 1e-5, 1e-3, 2e-3, 5e-3, 1e-2, 1e-1};
        double[][] rows = new double[scales.length + 1][];
        rows[0] = u;
        for (int s = 0; s < scales.length; s++) {
            rows[s + 1] = u.clone();
            for (int k = 0; k < u.length; k++) {
                rows[s + 1][k] += scales[s] * w[k];
            }
        }
        PairwiseMatrix m = new LpDistance(false, 1).pairwise(Nd4j.create(rows));
        for (int s = 0; s < scales.length; s++) {
            double exact = 0;
            for (int k = 0; k < u.length; k++) {
                exact += (rows[s + 1][k] - u[k]) * (rows[s + 1][k] - u[k]);
            }
            exact = Math.sqrt(exact);
            assertEquals(exact, m.get(0, s + 1), 1e-9 * exact, "distance " + scales[s]);
        }
    }

    @Test
    void duplicatesAndTheDiagonalAreExactlyZero() {
        double[][] rows = random(4, 8, 3);
        rows[2] = rows[0].clone();
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            PairwiseMatrix m = new LpDistance().pairwise(Nd4j.create(rows).castTo(type));
            for (int i = 0; i < 4; i++) {
                assertEquals(0.0, m.get(i, i));
            }
            assertEquals(0.0, m.get(0, 2));
            assertEquals(0.0, m.get(2, 0));
            assertEquals(1.0, new CosineSimilarity().pairwise(Nd4j.create(rows).castTo(type)).get(0, 2), 1e-15);
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        for (Distance d : List.of(new LpDistance(), new LpDistance(false, 1), new LpDistance(true, 2),
                new LpDistance(false, 2), new CosineSimilarity(), new DotProductSimilarity())) {
            INDArray x = Nd4j.create(random(6, 5, 4));
            double[] weights = new double[36];
            Random rng = new Random(9);
            for (int k = 0; k < weights.length; k++) {
                weights[k] = rng.nextGaussian();
            }
            // L = Σ W_ij M_ij, so dL/dM = W.
            INDArray analytic = d.pairwise(x).backward(weights).queries();
            double error = FiniteDifferences.relativeError(v -> weighted(d.pairwise(v), weights), x, analytic);
            assertTrue(error < 1e-6, d + " self gradient error " + error);

            INDArray y = Nd4j.create(random(3, 5, 5));
            double[] crossWeights = java.util.Arrays.copyOf(weights, 18);
            EmbeddingGradients g = d.pairwise(x, y).backward(crossWeights);
            assertTrue(FiniteDifferences.relativeError(v -> weighted(d.pairwise(v, y), crossWeights), x,
                    g.queries()) < 1e-6, d + " query gradient");
            assertTrue(FiniteDifferences.relativeError(v -> weighted(d.pairwise(x, v), crossWeights), y,
                    g.references()) < 1e-6, d + " reference gradient");
        }
    }

    @Test
    void aSelfGradientIsTheSumOfTheQueryAndReferenceGradients() {
        // 37 rows: the self gradient's W + Wᵀ is taken in 16 × 16 tiles, two full and one partial on each side.
        int n = 37;
        INDArray x = Nd4j.create(random(n, 6, 11));
        Random rng = new Random(12);
        double[] weights = new double[n * n];
        for (int k = 0; k < weights.length; k++) {
            weights[k] = rng.nextGaussian();
        }
        double[] given = weights.clone();
        for (Distance d : List.of(new LpDistance(), new LpDistance(false, 1), new LpDistance(true, 2),
                new CosineSimilarity(), new DotProductSimilarity())) {
            INDArray self = d.pairwise(x).backward(weights).queries();
            assertArrayEquals(given, weights, d + " must not modify dL/dM");
            EmbeddingGradients cross = d.pairwise(x, x.dup()).backward(weights);
            INDArray sum = cross.queries().add(cross.references());
            double scale = sum.norm2Number().doubleValue();
            assertTrue(self.sub(sum).norm2Number().doubleValue() <= 1e-12 * scale,
                    d + ": self " + self + " against query + reference " + sum);
            assertEquals(cross.queries(), d.pairwise(x, x.dup()).backwardQueries(weights),
                    d + ": the queries' gradient alone is the same");
            assertEquals(self, d.pairwise(x).backwardQueries(weights), d + ": of a self matrix, the total");
        }
    }

    static double weighted(PairwiseMatrix m, double[] weights) {
        double[] values = m.toArray();
        double sum = 0;
        for (int k = 0; k < values.length; k++) {
            sum += weights[k] * values[k];
        }
        return sum;
    }

    @Test
    void gradientsComeBackInTheEmbeddingsType() {
        INDArray x = Nd4j.create(random(4, 3, 6)).castTo(DataType.FLOAT);
        assertEquals(DataType.FLOAT, new LpDistance().pairwise(x).backward(new double[16]).queries().dataType());
    }

    @Test
    void zeroRowsHaveAFiniteGradient() {
        INDArray x = Nd4j.zeros(DataType.DOUBLE, 3, 4);
        double[] ones = new double[9];
        java.util.Arrays.fill(ones, 1);
        for (Distance d : List.of(new LpDistance(), new CosineSimilarity())) {
            INDArray g = d.pairwise(x).backward(ones).queries();
            assertTrue(!g.isNaN().any() && !g.isInfinite().any(), d.toString());
        }
    }

    @Test
    void distancesAreEqualWhenTheyComputeTheSameMatrix() {
        assertEquals(new LpDistance(), new LpDistance(true, 1));
        assertEquals(new LpDistance().hashCode(), new LpDistance(true, 1).hashCode());
        assertTrue(!new LpDistance().equals(new LpDistance(true, 2)), "power");
        assertTrue(!new LpDistance().equals(new LpDistance(false, 1)), "normalization");
        assertEquals(new CosineSimilarity(), new CosineSimilarity());
        assertTrue(!new CosineSimilarity().equals(new DotProductSimilarity(true)), "another class");
        assertEquals(new DotProductSimilarity(), new DotProductSimilarity(false));
    }

    @Test
    void badInputsAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new LpDistance().pairwise(Nd4j.zeros(3, 4), Nd4j.zeros(3, 5)));
        assertThrows(RuntimeException.class, () -> new LpDistance(true, 3));
        assertThrows(IllegalArgumentException.class,
                () -> new LpDistance().pairwise(Nd4j.zeros(3, 3)).backward(new double[4]));
    }
}
