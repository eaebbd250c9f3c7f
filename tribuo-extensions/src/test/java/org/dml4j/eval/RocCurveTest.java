package org.dml4j.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RocCurveTest {
    private static final double EPS = 1e-12;

    /** Scores 0.9 P, 0.8 N, 0.7 P, 0.6 N. */
    private static RocCurve interleaved() {
        return RocCurve.of(new double[]{0.9, 0.8, 0.7, 0.6}, new boolean[]{true, false, true, false});
    }

    @Test
    void handComputedInterleaved() {
        RocCurve curve = interleaved();
        assertEquals(5, curve.numPoints());
        // 3 of the 4 (positive, negative) pairs are ordered correctly
        assertEquals(0.75, curve.auc(), EPS);
        // at t = 0.8: FAR = 1/2, FRR = 1/2
        assertEquals(0.5, curve.equalErrorRate(), EPS);
        assertEquals(0.8, curve.equalErrorPoint().threshold(), 0.0);
        OperatingPoint strict = curve.atFalsePositiveRate(0.0);
        assertEquals(0.9, strict.threshold(), 0.0);
        assertEquals(0.5, strict.truePositiveRate(), EPS);
        assertEquals(1.0, strict.precision(), EPS);
        OperatingPoint half = curve.atFalsePositiveRate(0.5);
        assertEquals(0.7, half.threshold(), 0.0);
        assertEquals(1.0, half.truePositiveRate(), EPS);
        assertEquals(0.5, half.falsePositiveRate(), EPS);
        assertEquals(2.0 / 3.0, half.precision(), EPS);
        assertEquals(Double.POSITIVE_INFINITY, curve.point(0).threshold());
        assertEquals(Double.NaN, curve.point(0).precision());
    }

    @Test
    void tiesCountOneHalf() {
        RocCurve curve = RocCurve.of(new double[]{0.5, 0.5}, new boolean[]{true, false});
        assertEquals(2, curve.numPoints());
        assertEquals(0.5, curve.auc(), EPS);
        assertEquals(0.5, curve.equalErrorRate(), EPS);
        // no threshold separates the tie: FAR 0 accepts nothing
        OperatingPoint none = curve.atFalsePositiveRate(0.0);
        assertEquals(Double.POSITIVE_INFINITY, none.threshold());
        assertEquals(0.0, none.truePositiveRate());
    }

    @Test
    void equalErrorRateIsInterpolated() {
        // positives 2, 1; negatives 1, 1, 0. Points (FPR, FNR): (0, 1/2) at t=2, (2/3, 0) at t=1.
        // FPR = FNR on that segment at 2/7.
        RocCurve curve = RocCurve.of(new double[]{2, 1, 1, 1, 0}, new boolean[]{true, true, false, false, false});
        assertEquals(2.0 / 7.0, curve.equalErrorRate(), EPS);
        assertEquals(2.0, curve.equalErrorPoint().threshold(), 0.0);
        assertEquals(5.0 / 6.0, curve.auc(), EPS);
    }

    @Test
    void perfectSeparation() {
        RocCurve curve = RocCurve.of(new double[]{5, 4, 1, 0}, new boolean[]{true, true, false, false});
        assertEquals(1.0, curve.auc(), EPS);
        assertEquals(0.0, curve.equalErrorRate(), EPS);
        assertEquals(4.0, curve.equalErrorPoint().threshold(), 0.0);
        assertEquals(1.0, curve.atFalsePositiveRate(0.0).truePositiveRate(), EPS);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void matchesBruteForceOnRandomData(long seed) {
        Random rng = new Random(seed);
        int n = 50 + rng.nextInt(300);
        double[] scores = new double[n];
        boolean[] positive = new boolean[n];
        for (int i = 0; i < n; i++) {
            positive[i] = rng.nextDouble() < 0.3 || i == 0;
            // few distinct values: many ties, within and across classes
            scores[i] = Math.round((rng.nextGaussian() + (positive[i] ? 1.0 : 0.0)) * 4) / 4.0;
        }
        positive[1] = false;
        RocCurve curve = RocCurve.of(scores, positive);
        assertEquals(bruteAuc(scores, positive), curve.auc(), 1e-12);
        assertEquals(bruteEer(scores, positive), curve.equalErrorRate(), 1e-12);
        for (double far : new double[]{0.0, 1e-3, 1e-2, 0.1, 0.5, 1.0}) {
            double[] expected = bruteTarAtFar(scores, positive, far);
            OperatingPoint point = curve.atFalsePositiveRate(far);
            assertEquals(expected[0], point.threshold(), 0.0, "threshold at FAR " + far);
            assertEquals(expected[1], point.truePositiveRate(), 1e-12, "TAR at FAR " + far);
        }
    }

    private static double bruteAuc(double[] s, boolean[] pos) {
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < s.length; i++) {
            for (int j = 0; j < s.length; j++) {
                if (pos[i] && !pos[j]) {
                    wins += s[i] > s[j] ? 1.0 : s[i] == s[j] ? 0.5 : 0.0;
                    pairs++;
                }
            }
        }
        return wins / pairs;
    }

    /** Rates {FAR, TAR} of accepting every score >= t, counted directly. */
    private static double[] rates(double[] s, boolean[] pos, double t) {
        double tp = 0;
        double fp = 0;
        double p = 0;
        for (int i = 0; i < s.length; i++) {
            p += pos[i] ? 1 : 0;
            if (s[i] >= t) {
                tp += pos[i] ? 1 : 0;
                fp += pos[i] ? 0 : 1;
            }
        }
        return new double[]{fp / (s.length - p), tp / p};
    }

    /** Candidate thresholds, strictest first: +Infinity then the distinct scores descending. */
    private static double[] candidates(double[] s) {
        double[] distinct = Arrays.stream(s).distinct().map(x -> -x).sorted().map(x -> -x).toArray();
        double[] out = new double[distinct.length + 1];
        out[0] = Double.POSITIVE_INFINITY;
        System.arraycopy(distinct, 0, out, 1, distinct.length);
        return out;
    }

    private static double[] bruteTarAtFar(double[] s, boolean[] pos, double far) {
        double[] best = {Double.POSITIVE_INFINITY, 0.0};
        for (double t : candidates(s)) {
            double[] r = rates(s, pos, t);
            if (r[0] <= far && t < best[0]) {
                best = new double[]{t, r[1]};
            }
        }
        return best;
    }

    private static double bruteEer(double[] s, boolean[] pos) {
        double[] ts = candidates(s);
        double[] previous = rates(s, pos, ts[0]);
        for (int k = 1; k < ts.length; k++) {
            double[] r = rates(s, pos, ts[k]);
            double gap = r[0] - (1 - r[1]);
            if (gap >= 0) {
                double gap0 = previous[0] - (1 - previous[1]);
                double t = gap0 / (gap0 - gap);
                return previous[0] + t * (r[0] - previous[0]);
            }
            previous = r;
        }
        throw new AssertionError("no crossing");
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> RocCurve.of(new double[]{1}, new boolean[]{true, false}));
        assertThrows(IllegalArgumentException.class,
                () -> RocCurve.of(new double[]{Double.NaN, 1}, new boolean[]{true, false}));
        RocCurve onlyPositives = RocCurve.of(new double[]{1, 2}, new boolean[]{true, true});
        IllegalStateException e = assertThrows(IllegalStateException.class, onlyPositives::auc);
        assertEquals("AUC needs at least one positive and one negative, found 2 positives and 0 negatives",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> interleaved().atFalsePositiveRate(1.5));
    }
}
