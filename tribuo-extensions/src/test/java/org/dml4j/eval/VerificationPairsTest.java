package org.dml4j.eval;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerificationPairsTest {

    private static int[] labels(int n, int classes) {
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (i * 7) % classes;
        }
        return labels;
    }

    @Test
    void allListsEveryPairOnce() {
        int[] labels = {0, 0, 1, 1, 1};
        VerificationPairs pairs = VerificationPairs.all(labels);
        assertEquals(10, pairs.size());
        assertArrayEquals(new int[]{0, 0, 0, 0, 1, 1, 1, 2, 2, 3}, pairs.first());
        assertArrayEquals(new int[]{1, 2, 3, 4, 2, 3, 4, 3, 4, 4}, pairs.second());
        assertArrayEquals(new boolean[]{true, false, false, false, false, false, false, true, true, true},
                pairs.genuine());
    }

    @Test
    void sampleIsBoundedDistinctCorrectAndReproducible() {
        int[] labels = labels(3000, 40);
        VerificationPairs pairs = VerificationPairs.sample(labels, 500, 700, 42L);
        assertEquals(1200, pairs.size());
        int[] a = pairs.first();
        int[] b = pairs.second();
        boolean[] g = pairs.genuine();
        Set<Long> seen = new HashSet<>();
        int genuine = 0;
        for (int p = 0; p < a.length; p++) {
            assertTrue(a[p] < b[p]);
            assertTrue(seen.add((long) a[p] * labels.length + b[p]), "repeated pair");
            assertEquals(labels[a[p]] == labels[b[p]], g[p]);
            genuine += g[p] ? 1 : 0;
        }
        assertEquals(500, genuine);
        VerificationPairs again = VerificationPairs.sample(labels, 500, 700, 42L);
        assertArrayEquals(a, again.first());
        assertArrayEquals(b, again.second());
        assertFalse(java.util.Arrays.equals(a, VerificationPairs.sample(labels, 500, 700, 43L).first()));
    }

    @Test
    void sampleTakesEverythingWhenAskedForMore() {
        int[] labels = labels(30, 3);
        VerificationPairs all = VerificationPairs.all(labels);
        VerificationPairs sample = VerificationPairs.sample(labels, 1000, 1000, 1L);
        assertArrayEquals(all.first(), sample.first());
        assertArrayEquals(all.second(), sample.second());
    }

    /** 30 rows in 3 classes: 135 genuine and 300 impostor pairs; both drawing paths must be uniform. */
    @Test
    void sampleIsUniform() {
        int[] labels = labels(30, 3);
        checkUniform(labels, 20, 40, 135, 300);   // rejection path for both kinds
        checkUniform(labels, 100, 200, 135, 300); // listing and partial shuffle for both kinds
    }

    private static void checkUniform(int[] labels, int maxGenuine, int maxImpostor, int genuineTotal,
                                     int impostorTotal) {
        int draws = 2000;
        Map<Long, Integer> counts = new HashMap<>();
        for (int s = 0; s < draws; s++) {
            VerificationPairs pairs = VerificationPairs.sample(labels, maxGenuine, maxImpostor, s);
            int[] a = pairs.first();
            int[] b = pairs.second();
            for (int p = 0; p < a.length; p++) {
                counts.merge((long) a[p] * labels.length + b[p], 1, Integer::sum);
            }
        }
        assertEquals(genuineTotal + impostorTotal, counts.size());
        for (Map.Entry<Long, Integer> e : counts.entrySet()) {
            int a = (int) (e.getKey() / labels.length);
            int b = (int) (e.getKey() % labels.length);
            boolean genuine = labels[a] == labels[b];
            double expected = draws * (genuine ? maxGenuine / (double) genuineTotal
                    : maxImpostor / (double) impostorTotal);
            assertEquals(expected, e.getValue(), 5 * Math.sqrt(expected), "pair " + a + "," + b);
        }
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> VerificationPairs.all(new int[]{1}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VerificationPairs.all(new int[70_000]));
        assertTrue(e.getMessage().contains("use sample("), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> VerificationPairs.sample(new int[]{1, 2}, -1, 1, 0));
    }
}
