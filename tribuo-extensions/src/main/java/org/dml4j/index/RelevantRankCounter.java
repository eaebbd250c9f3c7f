package org.dml4j.index;

import java.util.Arrays;

/**
 * Computes the ranks of one query's relevant references from streamed distances in two passes.
 * <p>
 * Pass one collects the (distance, index) pairs of the relevant candidates. After {@link #seal()} sorts them,
 * pass two offers every candidate; a binary search finds the first relevant pair the candidate ranks before,
 * and a difference array counts, for each relevant pair, the candidates ranked before it. Memory is
 * O(R_q); time O(N log R_q).
 */
final class RelevantRankCounter {
    private double[] dist = new double[8];
    private int[] idx = new int[8];
    private int size;
    private int[] before;

    /** Pass one: records a relevant candidate. */
    void addRelevant(double d, int i) {
        if (size == dist.length) {
            dist = Arrays.copyOf(dist, size * 2);
            idx = Arrays.copyOf(idx, size * 2);
        }
        dist[size] = d;
        idx[size] = i;
        size++;
    }

    /** Ends pass one: sorts the relevant pairs by (distance, index). */
    void seal() {
        Integer[] order = new Integer[size];
        for (int j = 0; j < size; j++) {
            order[j] = j;
        }
        final double[] d = dist;
        final int[] x = idx;
        Arrays.sort(order, (a, b) -> {
            int c = Double.compare(d[a], d[b]);
            return c != 0 ? c : Integer.compare(x[a], x[b]);
        });
        double[] sortedDist = new double[size];
        int[] sortedIdx = new int[size];
        for (int j = 0; j < size; j++) {
            sortedDist[j] = dist[order[j]];
            sortedIdx[j] = idx[order[j]];
        }
        dist = sortedDist;
        idx = sortedIdx;
        before = new int[size + 1];
    }

    /** After {@link #seal()}: the relevant pairs' distances in rank order. */
    double[] sortedDistances() {
        return Arrays.copyOf(dist, size);
    }

    /** After {@link #seal()}: the relevant pairs' indices in rank order. */
    int[] sortedIndices() {
        return Arrays.copyOf(idx, size);
    }

    /** Pass two: offers any candidate (relevant or not). */
    void offerCandidate(double d, int i) {
        if (size == 0 || d > dist[size - 1]) {
            return;
        }
        // first position p whose pair ranks after (d, i); the candidate precedes pairs p..size-1
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (dist[mid] < d || (dist[mid] == d && idx[mid] <= i)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        before[lo]++;
    }

    /** Ends pass two: the 1-based ranks of the relevant pairs in sorted order. */
    int[] ranks() {
        int[] ranks = new int[size];
        int running = 0;
        for (int j = 0; j < size; j++) {
            running += before[j];
            ranks[j] = running + 1;
        }
        return ranks;
    }
}
