package org.dml4j.eval;

import org.dml4j.index.ExactKnn;
import org.dml4j.index.KnnDistance;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tribuo.anomaly.Event;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KnnAnomalyScorerTest {
    private static final ExactKnn KNN = new ExactKnn(KnnDistance.SQUARED_EUCLIDEAN);
    private static final INDArray NORMALS = Nd4j.create(new double[][]{{0}, {1}, {2}, {10}});
    private static final INDArray QUERIES = Nd4j.create(new double[][]{{0.5}, {6}});

    @Test
    void scoreIsTheDistanceToTheKthNearestNormal() {
        // squared distances of 0.5: 0.25, 0.25, 2.25, 90.25; of 6: 16, 16, 25, 36
        assertArrayEquals(new double[]{0.25, 16}, new KnnAnomalyScorer(KNN, NORMALS, 1).score(QUERIES), 1e-12);
        assertArrayEquals(new double[]{0.25, 16}, new KnnAnomalyScorer(KNN, NORMALS, 2).score(QUERIES), 1e-12);
        assertArrayEquals(new double[]{2.25, 25}, new KnnAnomalyScorer(KNN, NORMALS, 3).score(QUERIES), 1e-12);
    }

    @Test
    void normalsScoredLeavingThemselvesOut() {
        assertArrayEquals(new double[]{1, 1, 1, 64}, new KnnAnomalyScorer(KNN, NORMALS, 1).scoreNormalsLeaveOneOut(),
                1e-12);
        assertArrayEquals(new double[]{4, 1, 4, 81}, new KnnAnomalyScorer(KNN, NORMALS, 2).scoreNormalsLeaveOneOut(),
                1e-12);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new KnnAnomalyScorer(KNN, NORMALS, 4).scoreNormalsLeaveOneOut());
        assertEquals("leave-one-out scores need at least k + 1 = 5 normal rows, found 4", e.getMessage());
    }

    @Test
    void eventsCarryTheScoreAndTheThresholdDecision() {
        List<Event> events = new KnnAnomalyScorer(KNN, NORMALS, 3).events(QUERIES, 2.25);
        assertEquals(Event.EventType.EXPECTED, events.get(0).getType());
        assertEquals(2.25, events.get(0).getScore(), 1e-12);
        assertEquals(Event.EventType.ANOMALOUS, events.get(1).getType());
        assertEquals(25, events.get(1).getScore(), 1e-12);
    }

    @Test
    void aurocHandComputed() {
        assertEquals(1.0, KnnAnomalyScorer.auroc(new double[]{1, 2, 3, 4}, new boolean[]{false, false, true, true}));
        assertEquals(0.75, KnnAnomalyScorer.auroc(new double[]{1, 2, 3, 4}, new boolean[]{false, true, false, true}));
        assertEquals(0.5, KnnAnomalyScorer.auroc(new double[]{1, 1}, new boolean[]{false, true}));
    }

    @Test
    void separatesOffManifoldPoints() {
        Random rng = new Random(2);
        double[][] normals = new double[300][5];
        double[][] queries = new double[100][5];
        boolean[] anomalous = new boolean[100];
        for (double[] row : normals) {
            fill(rng, row, 0.0);
        }
        for (int i = 0; i < queries.length; i++) {
            anomalous[i] = i % 4 == 0;
            fill(rng, queries[i], anomalous[i] ? 4.0 : 0.0);
        }
        double[] scores = new KnnAnomalyScorer(KNN, Nd4j.create(normals), 5).score(Nd4j.create(queries));
        assertTrue(KnnAnomalyScorer.auroc(scores, anomalous) > 0.99);
    }

    private static void fill(Random rng, double[] row, double shift) {
        for (int j = 0; j < row.length; j++) {
            row[j] = rng.nextGaussian() + (j == 0 ? shift : 0.0);
        }
    }

    @Test
    void rejectsBadInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new KnnAnomalyScorer(KNN, NORMALS, 5));
        assertEquals("k must be at least 1 and at most the number of normal rows, found k=5 with 4 rows",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new KnnAnomalyScorer(KNN, NORMALS, 0));
        assertThrows(IllegalArgumentException.class,
                () -> KnnAnomalyScorer.auroc(new double[]{1, 2}, new boolean[]{true, true}));
        assertThrows(IllegalArgumentException.class,
                () -> new KnnAnomalyScorer(KNN, NORMALS, 1).events(QUERIES, Double.NaN));
    }
}
