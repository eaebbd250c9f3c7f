package org.dml4j.reduce;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ReducerTest {

    private static final double[] VALUES = {0.0, 2.0, 1.0, 0.0, 3.0};
    private static final int[] ANCHORS = {0, 0, 1, 1, 3};

    private static double[] weightsOf(Reducer reducer, LossTerms terms) {
        double[] w = new double[terms.size()];
        reducer.reduce(terms, w);
        return w;
    }

    @Test
    void meanCountsZeros() {
        LossTerms t = LossTerms.of(VALUES, ANCHORS, 4);
        assertEquals(1.2, new MeanReducer().reduce(t), 1e-15);
        assertArrayEquals(new double[]{0.2, 0.2, 0.2, 0.2, 0.2}, weightsOf(new MeanReducer(), t), 1e-15);
    }

    @Test
    void avgNonZeroIgnoresZeros() {
        LossTerms t = LossTerms.of(VALUES, ANCHORS, 4);
        assertEquals(2.0, new AvgNonZeroReducer().reduce(t), 1e-15);
        assertArrayEquals(new double[]{0, 1 / 3.0, 1 / 3.0, 0, 1 / 3.0}, weightsOf(new AvgNonZeroReducer(), t), 1e-15);
        assertEquals(0, new AvgNonZeroReducer().reduce(LossTerms.of(new double[]{0, 0}, new int[]{0, 1}, 2)));
    }

    @Test
    void sumAndDivisor() {
        LossTerms t = LossTerms.of(VALUES, ANCHORS, 4);
        assertEquals(6.0, new SumReducer().reduce(t), 1e-15);
        assertEquals(1.5, new DivisorReducer().reduce(t.withDivisor(4)), 1e-15);
        assertEquals(1.2, new DivisorReducer().reduce(t), 1e-15, "without a divisor: the term count");
        assertEquals(0, new DivisorReducer().reduce(t.withDivisor(0)));
    }

    @Test
    void thresholdKeepsTermsStrictlyInside() {
        LossTerms t = LossTerms.of(VALUES, ANCHORS, 4);
        ThresholdReducer r = new ThresholdReducer(0.0, 3.0);
        assertEquals(1.5, r.reduce(t), 1e-15);
        assertArrayEquals(new double[]{0, 0.5, 0.5, 0, 0}, weightsOf(r, t), 1e-15);
        assertThrows(RuntimeException.class, () -> new ThresholdReducer(2, 1));
    }

    @Test
    void perAnchorAveragesEachAnchorFirst() {
        LossTerms t = LossTerms.of(VALUES, ANCHORS, 4);
        // Anchor means: 1.0, 0.5, 0 (none), 3.0 -> mean over the 4 anchors = 1.125.
        PerAnchorReducer r = new PerAnchorReducer();
        assertEquals(1.125, r.reduce(t), 1e-15);
        assertArrayEquals(new double[]{0.125, 0.125, 0.125, 0.125, 0.25}, weightsOf(r, t), 1e-15);
        assertEquals(1.5, new PerAnchorReducer(new AvgNonZeroReducer()).reduce(t), 1e-15);
    }

    @Test
    void mismatchedTermsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> LossTerms.of(new double[2], new int[3], 3));
    }
}
