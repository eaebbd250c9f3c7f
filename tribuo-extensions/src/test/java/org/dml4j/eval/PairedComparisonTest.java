package org.dml4j.eval;

import org.apache.commons.math3.stat.inference.WilcoxonSignedRankTest;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bootstrap intervals and the Wilcoxon test on differences with known answers. */
class PairedComparisonTest {

    @Test
    void aConstantShiftHasAPointIntervalAndTheExactPValue() {
        double[] a = new double[20];
        double[] b = new double[20];
        for (int i = 0; i < 20; i++) {
            a[i] = i;
            b[i] = i + 0.25;
        }
        PairedComparison c = PairedComparison.of(a, b, 1000, 0.95, 1);
        assertEquals(0.25, c.meanDifference(), 1e-12);
        assertEquals(0.25, c.low(), 1e-12);
        assertEquals(0.25, c.high(), 1e-12);
        assertEquals("exact", c.method());
        assertEquals(2 / Math.pow(2, 20), c.pValue(), 1e-12, "every difference positive: 2 of 2^20 sign patterns");
    }

    @Test
    void zeroDifferencesAreDroppedAndIdenticalRunsGivePOne() {
        double[] a = {0, 1, 1, 0, 1, 0, 1, 1};
        double[] b = {0, 1, 1, 0, 1, 1, 1, 1};
        PairedComparison c = PairedComparison.of(a, b, 500, 0.9, 2);
        assertEquals(1, c.nonZero());
        assertEquals(1.0, c.pValue(), 1e-12, "one positive difference of one: p = 2 * 1/2");
        PairedComparison same = PairedComparison.of(a, a, 500, 0.9, 2);
        assertEquals(0, same.nonZero());
        assertEquals(1.0, same.pValue());
        assertEquals(0.0, same.low());
    }

    @Test
    void theIntervalIsSeededAndCoversTheShiftOfNoisyValues() {
        Random rng = new Random(3);
        double[] a = new double[400];
        double[] b = new double[400];
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.nextDouble();
            b[i] = a[i] + 0.05 + 0.1 * rng.nextGaussian();
        }
        PairedComparison c = PairedComparison.of(a, b, 2000, 0.95, 7);
        assertEquals(c, PairedComparison.of(a, b, 2000, 0.95, 7));
        assertTrue(c.low() < 0.05 && 0.05 < c.high(), c.toString());
        assertTrue(c.low() > 0, "the shift is significant: " + c);
        assertEquals("normal", c.method());
        assertEquals(new WilcoxonSignedRankTest().wilcoxonSignedRankTest(a, b, false), c.pValue(), 1e-12);
        assertTrue(c.pValue() < 1e-6, c.toString());
    }

    @Test
    void beyondCommonsMathsIntRangeTheTieCorrectedApproximationIsUsed() {
        int n = 60_000;
        double[] a = new double[n];
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = i % 2;
            b[i] = i % 3 == 0 ? 1 - a[i] : a[i] + (i % 5 == 0 ? 1 : -1); // ties everywhere
        }
        PairedComparison c = PairedComparison.of(a, b, 200, 0.95, 1);
        assertEquals("normal, tie-corrected", c.method());
        assertTrue(c.nonZero() > PairedComparison.COMMONS_NORMAL_LIMIT);
        assertTrue(c.pValue() >= 0 && c.pValue() <= 1, c.toString());
        assertEquals(c.pValue(), PairedComparison.of(b, a, 200, 0.95, 1).pValue(), 1e-12, "two-sided: symmetric");
    }
}
