package org.dml4j.index;

import org.dml4j.eval.OperatingPoint;
import org.dml4j.eval.ThresholdCalibration;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenSetMatcherTest {
    private static final ExactKnn KNN = new ExactKnn(KnnDistance.SQUARED_EUCLIDEAN);
    private static final INDArray REFERENCES = Nd4j.create(new double[][]{{0, 0}, {10, 0}, {0, 10}});
    private static final int[] LABELS = {7, 8, 9};

    @Test
    void nearestWithinThresholdGivesItsLabelElseUnknown() {
        OpenSetMatcher matcher = new OpenSetMatcher(KNN, REFERENCES, LABELS, 4.0);
        List<OpenSetMatch> matches = matcher.match(Nd4j.create(new double[][]{{1, 1}, {10, 2}, {5, 5}, {0, 13}}));
        assertEquals(new OpenSetMatch(true, 7, 0, 2.0), matches.get(0));
        assertEquals(new OpenSetMatch(true, 8, 1, 4.0), matches.get(1)); // on the threshold: accepted
        assertFalse(matches.get(2).known());
        assertEquals(-1, matches.get(2).labelOr(-1));
        assertEquals(new OpenSetMatch(false, 9, 2, 9.0), matches.get(3));
        assertTrue(new OpenSetMatcher(KNN, REFERENCES, LABELS, Double.NEGATIVE_INFINITY)
                .match(Nd4j.create(new double[][]{{0, 0}})).stream().noneMatch(OpenSetMatch::known));
    }

    /** Calibrate for precision on known and unknown identities, then match unseen queries. */
    @Test
    void calibratedThresholdRejectsUnknownIdentities() {
        Random rng = new Random(11);
        int classes = 6;
        double[][] centres = new double[classes + 2][4];
        for (double[] c : centres) {
            for (int j = 0; j < c.length; j++) {
                c[j] = 10 * rng.nextGaussian();
            }
        }
        int[] refLabels = new int[classes * 5];
        INDArray refs = Nd4j.create(sample(rng, centres, refLabels, classes));
        // calibration: queries from the known classes and from unknown class 6 (always a wrong match)
        int[] calLabels = new int[200];
        INDArray cal = Nd4j.create(sample(rng, centres, calLabels, classes + 1));
        OperatingPoint point = ThresholdCalibration.forPrecision(KNN.search(cal, refs, 1, false), calLabels,
                refLabels, 0.99);
        OpenSetMatcher matcher = new OpenSetMatcher(KNN, refs, refLabels, point.threshold());
        int[] knownLabels = new int[100];
        for (OpenSetMatch m : matcher.match(Nd4j.create(sample(rng, centres, knownLabels, classes)))) {
            assertTrue(m.known());
        }
        int[] unknownLabels = new int[100];
        double[][] unknown = sample(rng, centres, unknownLabels, 1);
        for (double[] row : unknown) {
            for (int j = 0; j < row.length; j++) {
                row[j] += centres[classes + 1][j] - centres[0][j];
            }
        }
        assertTrue(matcher.match(Nd4j.create(unknown)).stream().noneMatch(OpenSetMatch::known));
    }

    /** Rows near the first {@code numClasses} centres, labels cycling; labels written into {@code labels}. */
    private static double[][] sample(Random rng, double[][] centres, int[] labels, int numClasses) {
        double[][] rows = new double[labels.length][centres[0].length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % numClasses;
            for (int j = 0; j < rows[i].length; j++) {
                rows[i][j] = centres[labels[i]][j] + 0.3 * rng.nextGaussian();
            }
        }
        return rows;
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> new OpenSetMatcher(KNN, REFERENCES, new int[2], 1.0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new OpenSetMatcher(KNN, REFERENCES, LABELS, Double.NaN));
        assertEquals("threshold must not be NaN; use -Infinity to reject every query", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new OpenSetMatcher(null, REFERENCES, LABELS, 1.0));
    }
}
