package org.dml4j.eval;

import org.dml4j.index.ExactKnn;
import org.dml4j.index.KnnDistance;
import org.dml4j.index.KnnResult;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ThresholdCalibrationTest {
    private static final double EPS = 1e-12;
    /** Nearest-match distances and whether the match was right; precision by threshold: 1, 1, 2/3, 3/4, 3/5. */
    private static final double[] DISTANCES = {0.3, 0.1, 0.5, 0.2, 0.4};
    private static final boolean[] CORRECT = {false, true, false, true, true};

    @Test
    void precisionTargetPicksTheMostPermissiveThreshold() {
        OperatingPoint exact = ThresholdCalibration.forPrecision(DISTANCES, CORRECT, 1.0);
        assertEquals(0.2, exact.threshold(), 0.0);
        assertEquals(1.0, exact.precision(), EPS);
        assertEquals(2.0 / 3.0, exact.truePositiveRate(), EPS);
        // 0.75 is first met again at 0.4, past the dip to 2/3 at 0.3
        OperatingPoint relaxed = ThresholdCalibration.forPrecision(DISTANCES, CORRECT, 0.7);
        assertEquals(0.4, relaxed.threshold(), 0.0);
        assertEquals(0.75, relaxed.precision(), EPS);
        assertEquals(0.5, relaxed.falsePositiveRate(), EPS);
        assertEquals(0.5, ThresholdCalibration.forPrecision(DISTANCES, CORRECT, 0.6).threshold(), 0.0);
    }

    @Test
    void unreachablePrecisionAcceptsNothing() {
        OperatingPoint none = ThresholdCalibration.forPrecision(new double[]{1, 2}, new boolean[]{false, false}, 0.5);
        assertEquals(Double.NEGATIVE_INFINITY, none.threshold());
        assertEquals(Double.NaN, none.precision());
    }

    @Test
    void precisionFromNearestNeighbours() {
        // references at 0 (label 0) and 10 (label 1); queries at 1 (label 0: right), 4 (label 1: wrong), 9 (label 1)
        ExactKnn knn = new ExactKnn(KnnDistance.SQUARED_EUCLIDEAN);
        KnnResult nearest = knn.search(Nd4j.create(new double[][]{{1}, {4}, {9}}), Nd4j.create(new double[][]{{0}, {10}}),
                1, false);
        OperatingPoint point = ThresholdCalibration.forPrecision(nearest, new int[]{0, 1, 1}, new int[]{0, 1}, 1.0);
        assertEquals(1.0, point.threshold(), 0.0);
        assertEquals(1.0, point.truePositiveRate(), EPS);
        assertEquals(0.0, point.falsePositiveRate(), EPS);
    }

    @Test
    void farTargetMatchesVerification() {
        double[] d = {0.1, 0.2, 0.3, 0.4, 0.15, 0.5};
        boolean[] genuine = {true, false, true, false, true, false};
        OperatingPoint point = ThresholdCalibration.forFar(d, genuine, 1.0 / 3.0);
        assertEquals(0.3, point.threshold(), 0.0);
        assertEquals(1.0, point.truePositiveRate(), EPS);
        assertEquals(1.0 / 3.0, point.falsePositiveRate(), EPS);
        assertEquals(0.15, ThresholdCalibration.forFar(d, genuine, 0.0).threshold(), 0.0);
    }

    @Test
    void rejectsBadInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ThresholdCalibration.forPrecision(DISTANCES, CORRECT, 0.0));
        assertEquals("targetPrecision must be in (0, 1], found 0.0", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ThresholdCalibration.forPrecision(DISTANCES, new boolean[2], 0.5));
        assertThrows(IllegalArgumentException.class, () -> ThresholdCalibration.forFar(DISTANCES, CORRECT, -0.1));
    }
}
