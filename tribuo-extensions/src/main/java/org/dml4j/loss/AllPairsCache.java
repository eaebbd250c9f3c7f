package org.dml4j.loss;

import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.PairTuples;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A pair loss's tuples, with the all-pairs tuples of the last label pattern kept for the next batch. The pairs depend
 * only on which rows share a label, and the batches of an M-per-class sampler repeat one such pattern, so a pair loss
 * without a miner would otherwise rebuild the same B(B-1) index pairs every step (about 0.1 ms of a 256-row
 * contrastive step). The kept tuples never leave the loss, and nothing writes to them.
 */
final class AllPairsCache {

    private volatile Entry last;

    private record Entry(int[] pattern, PairTuples pairs) {
    }

    /**
     * The pairs of a batch, as {@link PairTuples#from}.
     *
     * @param tuples the mined tuples, or null for all pairs
     * @param labels the batch labels
     * @return the pairs; for {@code tuples == null} possibly the same object as for an earlier batch
     */
    PairTuples pairs(IndexTuples tuples, int[] labels) {
        if (tuples != null) {
            return PairTuples.from(tuples, labels);
        }
        int[] pattern = pattern(labels);
        Entry entry = last;
        if (entry == null || !Arrays.equals(entry.pattern(), pattern)) {
            entry = new Entry(pattern, PairTuples.all(labels));
            last = entry;
        }
        return entry.pairs();
    }

    /**
     * Each row's first row with the same label: two label arrays have equal patterns exactly when the same rows
     * share labels, i.e. when their pairs are the same.
     *
     * @param labels the batch labels
     * @return the pattern
     */
    private static int[] pattern(int[] labels) {
        Map<Integer, Integer> firstRow = new HashMap<>();
        int[] pattern = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            Integer first = firstRow.putIfAbsent(labels[i], i);
            pattern[i] = first == null ? i : first;
        }
        return pattern;
    }
}
