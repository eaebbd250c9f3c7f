package org.dml4j.sampling;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks shared by the sampler tests. */
final class SamplerAssertions {

    private SamplerAssertions() {
    }

    /** Labels with the given class sizes, classes interleaved so indices are not grouped by class. */
    static int[] labels(int... classSizes) {
        int n = 0;
        for (int s : classSizes) {
            n += s;
        }
        int[] labels = new int[n];
        int[] left = classSizes.clone();
        int i = 0;
        while (i < n) {
            for (int c = 0; c < left.length; c++) {
                if (left[c] > 0) {
                    labels[i++] = c;
                    left[c]--;
                }
            }
        }
        return labels;
    }

    /** @return how often each index occurs across the batches */
    static int[] counts(List<int[]> batches, int n) {
        int[] counts = new int[n];
        for (int[] batch : batches) {
            for (int i : batch) {
                counts[i]++;
            }
        }
        return counts;
    }

    static void assertDeterministic(BatchSampler sampler, int[] labels, int batchSize) {
        List<int[]> a = sampler.epoch(labels, batchSize, new SplittableRandom(7));
        List<int[]> b = sampler.epoch(labels, batchSize, new SplittableRandom(7));
        List<int[]> c = sampler.epoch(labels, batchSize, new SplittableRandom(8));
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), "batch " + i);
        }
        boolean differs = a.size() != c.size();
        for (int i = 0; !differs && i < a.size(); i++) {
            differs = !Arrays.equals(a.get(i), c.get(i));
        }
        assertTrue(differs, "another seed should give other batches");
    }
}
