package org.dml4j.eval;

import org.dml4j.index.KnnDistance;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerificationEvaluationTest {
    private static final double EPS = 1e-12;
    private static final boolean[] GENUINE = {true, false, true, false};

    @Test
    void distancesAcceptBelowTheThreshold() {
        VerificationEvaluation eval = VerificationEvaluation.of(new double[]{0.1, 0.2, 0.3, 0.4}, GENUINE,
                ScoreOrientation.DISTANCE);
        assertEquals(0.75, eval.auc(), EPS);
        assertEquals(0.5, eval.eer(), EPS);
        assertEquals(0.2, eval.eerPoint().threshold(), 0.0);
        // two impostors: FAR 1e-3 allows none, so only the genuine pair at 0.1 is accepted
        OperatingPoint strict = eval.atFar(1e-3);
        assertEquals(0.1, strict.threshold(), 0.0);
        assertEquals(0.5, strict.truePositiveRate(), EPS);
        assertEquals(0.3, eval.atFar(0.5).threshold(), 0.0);
        assertEquals(2, eval.numGenuine());
        assertEquals(2, eval.numImpostor());
    }

    @Test
    void similaritiesGiveTheSameRatesAsNegatedDistances() {
        VerificationEvaluation eval = VerificationEvaluation.of(new double[]{-0.1, -0.2, -0.3, -0.4}, GENUINE,
                ScoreOrientation.SIMILARITY);
        assertEquals(0.75, eval.auc(), EPS);
        assertEquals(-0.2, eval.eerPoint().threshold(), 0.0);
        assertEquals(-0.1, eval.atFar(0.0).threshold(), 0.0);
    }

    @Test
    void summaryHasMlflowSafeKeys() {
        Map<String, Double> summary = VerificationEvaluation.of(new double[]{0.1, 0.2, 0.3, 0.4}, GENUINE,
                ScoreOrientation.DISTANCE).summary();
        assertEquals(java.util.List.of("auc", "eer", "eer_threshold", "tar_at_far_0.001", "threshold_at_far_0.001",
                "tar_at_far_0.01", "threshold_at_far_0.01", "num_genuine_pairs", "num_impostor_pairs"),
                java.util.List.copyOf(summary.keySet()));
        assertEquals(0.5, summary.get("tar_at_far_0.01"), EPS);
        for (String key : summary.keySet()) {
            assertTrue(key.matches("^[/\\w.\\- :]*$"), key);
        }
    }

    @Test
    void separatedClustersVerifyPerfectly() {
        Random rng = new Random(3);
        int n = 200;
        int[] labels = new int[n];
        double[][] rows = new double[n][8];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 5;
            for (int j = 0; j < 8; j++) {
                rows[i][j] = 0.05 * rng.nextGaussian() + (j == labels[i] ? 1.0 : 0.0);
            }
        }
        INDArray x = Nd4j.create(rows);
        VerificationPairs pairs = VerificationPairs.sample(labels, 2000, 2000, 9L);
        VerificationEvaluation eval = VerificationEvaluation.of(x, pairs, KnnDistance.SQUARED_EUCLIDEAN);
        assertEquals(4000, eval.numGenuine() + eval.numImpostor());
        assertEquals(1.0, eval.auc(), EPS);
        assertEquals(0.0, eval.eer(), EPS);
        assertEquals(1.0, eval.atFar(1e-3).truePositiveRate(), EPS);
    }

    @Test
    void rejectsBadInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VerificationEvaluation.of(new double[]{1, 2}, new boolean[]{true, true},
                        ScoreOrientation.DISTANCE));
        assertEquals("verification needs genuine and impostor pairs, found 2 genuine and 0 impostor pairs",
                e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> VerificationEvaluation.of(new double[]{1, 2}, GENUINE, null));
        assertThrows(IllegalArgumentException.class,
                () -> VerificationEvaluation.of(new double[]{1, 2}, GENUINE, ScoreOrientation.DISTANCE));
    }
}
