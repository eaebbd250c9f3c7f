package org.dml4j.sampling;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ClassBalancedSamplerTest {

    @Test
    void drawsClassesUniformlyWhateverTheirSize() {
        int[] labels = SamplerAssertions.labels(990, 10);
        List<int[]> batches = new ClassBalancedSampler().epoch(labels, 50, new SplittableRandom(1));
        assertEquals(20, batches.size());
        int rare = 0;
        for (int[] batch : batches) {
            assertEquals(50, batch.length);
            for (int i : batch) {
                rare += labels[i];
            }
        }
        // 1000 draws of a fair coin: 500 +- 16 (1 sd); allow 4 sd.
        assertEquals(500, rare, 64);
    }

    @Test
    void epochLengthRoundsUp() {
        assertEquals(3, new ClassBalancedSampler().epoch(new int[21], 10, new SplittableRandom(0)).size());
    }

    @Test
    void deterministicForASeed() {
        SamplerAssertions.assertDeterministic(new ClassBalancedSampler(), SamplerAssertions.labels(30, 5, 12), 8);
    }
}
