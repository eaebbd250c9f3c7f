package org.dml4j.sampling;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.primitives.IntProvenance;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MPerClassSamplerTest {

    /** Per batch, how many indices of each class it holds. */
    private static int[] classCounts(int[] batch, int[] labels, int numClasses) {
        int[] counts = new int[numClasses];
        for (int i : batch) {
            counts[labels[i]]++;
        }
        return counts;
    }

    @Test
    void balancedBatchesHoldExactlyCClassesOfMAndCoverEverything() {
        int[] labels = SamplerAssertions.labels(100, 100, 100, 100, 100, 100, 100, 100, 100, 100);
        List<int[]> batches = new MPerClassSampler(4).epoch(labels, 32, new SplittableRandom(1));
        // 25 blocks per class, 250 blocks, 8 per batch -> 32 batches (6 padding blocks).
        assertEquals(32, batches.size());
        for (int[] batch : batches) {
            assertEquals(32, batch.length);
            int[] counts = classCounts(batch, labels, 10);
            int classes = 0;
            for (int c : counts) {
                assertTrue(c == 0 || c == 4, "a class holds 0 or m indices, found " + c);
                classes += c > 0 ? 1 : 0;
            }
            assertEquals(8, classes);
        }
        for (int count : SamplerAssertions.counts(batches, labels.length)) {
            assertTrue(count >= 1);
        }
    }

    @Test
    void referenceProtocolSizesGiveFullCoverage() {
        int[] labels = SamplerAssertions.labels(6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000);
        List<int[]> batches = new MPerClassSampler(32).epoch(labels, 256, new SplittableRandom(0));
        assertEquals(235, batches.size()); // 188 blocks per class (the last topped up), 1880 / 8
        int[] counts = SamplerAssertions.counts(batches, labels.length);
        int repeated = 0;
        for (int count : counts) {
            assertTrue(count >= 1);
            repeated += count - 1;
        }
        assertEquals(235 * 256 - 60000, repeated);
    }

    @Test
    void randomDatasetsAreAlwaysCoveredWithWholeBlocks() {
        SplittableRandom data = new SplittableRandom(42);
        for (int trial = 0; trial < 300; trial++) {
            int numClasses = 1 + data.nextInt(12);
            int[] sizes = new int[numClasses];
            for (int c = 0; c < numClasses; c++) {
                sizes[c] = 1 + data.nextInt(data.nextBoolean() ? 5 : 60);
            }
            int m = 1 + data.nextInt(5);
            int blocksPerBatch = 1 + data.nextInt(6);
            int[] labels = SamplerAssertions.labels(sizes);
            List<int[]> batches = new MPerClassSampler(m).epoch(labels, m * blocksPerBatch,
                    new SplittableRandom(trial));
            int cap = (blocksPerBatch + numClasses - 1) / numClasses;
            String where = "trial " + trial;
            for (int[] batch : batches) {
                assertEquals(m * blocksPerBatch, batch.length, where);
                for (int count : classCounts(batch, labels, numClasses)) {
                    assertEquals(0, count % m, where);
                    assertTrue(count <= cap * m, where);
                }
            }
            for (int count : SamplerAssertions.counts(batches, labels.length)) {
                assertTrue(count >= 1, where);
            }
        }
    }

    @Test
    void dominantClassGetsOneBlockPerBatchAndOthersArePadded() {
        int[] labels = SamplerAssertions.labels(40, 4, 4);
        List<int[]> batches = new MPerClassSampler(4).epoch(labels, 8, new SplittableRandom(3));
        assertEquals(10, batches.size()); // class 0 has 10 blocks and may not repeat within a batch
        for (int[] batch : batches) {
            assertEquals(4, classCounts(batch, labels, 3)[0]);
        }
    }

    @Test
    void smallClassIsRepeatedWithinItsBlock() {
        int[] labels = {0, 0, 0, 0, 1, 1};
        List<int[]> batches = new MPerClassSampler(4).epoch(labels, 8, new SplittableRandom(5));
        assertEquals(1, batches.size());
        int[] counts = SamplerAssertions.counts(batches, labels.length);
        assertEquals(4, counts[4] + counts[5]);
        assertTrue(counts[4] >= 1 && counts[5] >= 1);
    }

    @Test
    void fewerClassesThanBlocksRepeatClassesAsWholeBlocks() {
        int[] labels = SamplerAssertions.labels(300, 300, 300, 300, 300);
        List<int[]> batches = new MPerClassSampler(32).epoch(labels, 256, new SplittableRandom(9));
        for (int[] batch : batches) {
            for (int count : classCounts(batch, labels, 5)) {
                assertTrue(count == 32 || count == 64, "found " + count);
            }
        }
    }

    @Test
    void deterministicForASeed() {
        SamplerAssertions.assertDeterministic(new MPerClassSampler(3), SamplerAssertions.labels(20, 7, 13, 2), 9);
    }

    @Test
    void rejectsBadArguments() {
        MPerClassSampler sampler = new MPerClassSampler(4);
        assertThrows(IllegalArgumentException.class, () -> sampler.epoch(new int[]{0, 1}, 6, new SplittableRandom()));
        assertThrows(IllegalArgumentException.class, () -> sampler.epoch(new int[0], 8, new SplittableRandom()));
        assertThrows(IllegalArgumentException.class, () -> sampler.epoch(new int[]{0, -1}, 8,
                new SplittableRandom()));
        PropertyException e = assertThrows(PropertyException.class, () -> new MPerClassSampler(0));
        assertTrue(e.getMessage().contains("m must be >= 1, found 0"));
    }

    @Test
    void provenanceRecordsM() {
        MPerClassSampler sampler = new MPerClassSampler(16);
        assertEquals(new IntProvenance("m", 16), sampler.getProvenance().getConfiguredParameters().get("m"));
        assertEquals("MPerClassSampler(m=16)", sampler.toString());
    }
}
