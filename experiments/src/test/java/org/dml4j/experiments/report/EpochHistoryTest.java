package org.dml4j.experiments.report;

import org.dml4j.train.EpochEnd;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EpochHistoryTest {

    @Test
    void keepsTheLossCurveTheMeanAndTheLastEpochTime() {
        EpochHistory history = new EpochHistory();
        assertEquals(0, history.meanSeconds());
        assertEquals(0, history.lastSeconds());
        history.onEpochEnd(new EpochEnd(1, 10, 0.9, 1e-3, Map.of(), 3.0));
        history.onEpochEnd(new EpochEnd(2, 20, 0.7, 1e-3, Map.of(), 5.0));
        assertEquals(List.of(0.9, 0.7), history.losses());
        assertEquals(4.0, history.meanSeconds(), 1e-12);
        assertEquals(5.0, history.lastSeconds(), 1e-12);
    }
}
