package org.dml4j.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DropoutTest {

    private static final INDArray ONES = Nd4j.ones(DataType.FLOAT, 100, 100);

    @Test
    void inferenceIsTheIdentity() {
        assertSame(ONES, new Dropout(0.3, 1).forward(ONES, false));
    }

    @Test
    void trainingDropsAboutPAndScalesTheRest() {
        INDArray y = new Dropout(0.3, 1).forward(ONES, true);
        double[] v = y.data().asDouble();
        long zeros = java.util.Arrays.stream(v).filter(x -> x == 0).count();
        long kept = java.util.Arrays.stream(v).filter(x -> Math.abs(x - 1 / 0.7) < 1e-6).count();
        assertEquals(v.length, zeros + kept, "every entry is 0 or 1/(1-p)");
        assertEquals(0.3, zeros / (double) v.length, 0.02);
    }

    @Test
    void sameSeedSameMasksDifferentPassesDifferentMasks() {
        Dropout a = new Dropout(0.5, 42);
        Dropout b = new Dropout(0.5, 42);
        INDArray first = a.forward(ONES, true);
        assertEquals(first, b.forward(ONES, true));
        assertNotEquals(first, a.forward(ONES, true));
        assertNotEquals(first, new Dropout(0.5, 43).forward(ONES, true));
    }

    @Test
    void masksFollowTheStepNotThePassesBeforeIt() {
        Dropout running = new Dropout(0.5, 42);
        for (long step = 0; step < 5; step++) {
            running.beginStep(step);
            running.forward(ONES, true);
            running.forward(ONES, true);
        }
        running.beginStep(5);
        INDArray first = running.forward(ONES, true);
        INDArray second = running.forward(ONES, true);
        Dropout resumed = new Dropout(0.5, 42);
        resumed.beginStep(5);
        assertEquals(first, resumed.forward(ONES, true));
        assertEquals(second, resumed.forward(ONES, true));
        assertNotEquals(first, second);
        resumed.beginStep(6);
        assertNotEquals(first, resumed.forward(ONES, true));
    }

    @Test
    void copyContinuesTheSequence() {
        Dropout a = new Dropout(0.5, 7);
        a.forward(ONES, true);
        Layer copy = a.copy();
        assertEquals(a.forward(ONES, true), copy.forward(ONES, true));
    }

    @Test
    void rejectsProbabilityOutsideTheUnitInterval() {
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(-0.1, 0));
    }
}
