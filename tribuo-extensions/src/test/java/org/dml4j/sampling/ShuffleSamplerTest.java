package org.dml4j.sampling;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ShuffleSamplerTest {

    @Test
    void everyExampleExactlyOnceWithAShortLastBatch() {
        List<int[]> batches = new ShuffleSampler().epoch(new int[23], 10, new SplittableRandom(2));
        assertEquals(3, batches.size());
        assertEquals(3, batches.get(2).length);
        for (int count : SamplerAssertions.counts(batches, 23)) {
            assertEquals(1, count);
        }
    }

    @Test
    void dropLastKeepsOnlyFullBatches() {
        List<int[]> batches = new ShuffleSampler(true).epoch(new int[23], 10, new SplittableRandom(2));
        assertEquals(2, batches.size());
        int seen = 0;
        for (int count : SamplerAssertions.counts(batches, 23)) {
            assertEquals(true, count <= 1);
            seen += count;
        }
        assertEquals(20, seen);
    }

    @Test
    void dropLastWithTooFewExamplesFails() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ShuffleSampler(true).epoch(new int[5], 10, new SplittableRandom(0)));
        assertEquals("dropLast with 5 examples and batchSize 10 leaves no batch; lower batchSize or set dropLast "
                + "to false", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ShuffleSampler().epoch(new int[5], 0,
                new SplittableRandom(0)));
    }

    @Test
    void deterministicForASeed() {
        SamplerAssertions.assertDeterministic(new ShuffleSampler(), new int[50], 16);
    }
}
