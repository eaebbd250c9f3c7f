package org.dml4j.index;

import java.util.Arrays;

/**
 * Keeps the k smallest (distance, index) pairs offered to it, with a reservoir: pairs below the current threshold
 * are appended to a buffer of twice k; when it is full, a quickselect keeps the k smallest and the threshold drops
 * to the k-th of them. Each offer costs O(1) amortised, against O(log k) for a heap (faiss's {@code ReservoirTopN}
 * does the same for large k).
 * <p>
 * Pairs are ordered by distance ({@link Double#compare}: NaN last), then by index, so the selection is deterministic
 * under ties.
 */
final class TopKSelector {
    private final int k;
    private final double[] dist;
    private final int[] idx;
    private int size;
    /** The distance of the k-th smallest pair at the last compaction; NaN before the first. */
    private double threshold = Double.NaN;

    TopKSelector(int k) {
        this.k = k;
        int capacity = (int) Math.min(Integer.MAX_VALUE - 8L, Math.max(2L * k, k + 16L));
        this.dist = new double[capacity];
        this.idx = new int[capacity];
    }

    /**
     * The distance a candidate must be below to be kept, when it comes after every pair offered so far in index
     * order: an upper bound of the k-th smallest distance so far; NaN while fewer than k pairs were ever seen, when
     * every candidate is kept. Test with {@code !(d >= threshold())}.
     */
    double threshold() {
        return threshold;
    }

    /** Offers a pair; one whose distance is not below {@link #threshold()} must have a larger index than all kept. */
    void offer(double d, int i) {
        if (size == dist.length) {
            compact();
            if (d >= threshold) {
                return;
            }
        }
        dist[size] = d;
        idx[size] = i;
        size++;
    }

    /** Keeps the k smallest pairs and lowers the threshold to the k-th of them. */
    private void compact() {
        select(0, size - 1, k - 1);
        size = k;
        threshold = dist[k - 1];
    }

    /** True if pair (d1, i1) ranks before pair (d2, i2). */
    private static boolean before(double d1, int i1, double d2, int i2) {
        int c = Double.compare(d1, d2);
        return c < 0 || (c == 0 && i1 < i2);
    }

    private void swap(int a, int b) {
        double d = dist[a];
        dist[a] = dist[b];
        dist[b] = d;
        int i = idx[a];
        idx[a] = idx[b];
        idx[b] = i;
    }

    /**
     * Hoare partition of [lo, hi] around its middle pair (pairs are distinct: their indices differ). Returns j and
     * sets {@link #split} to i such that [lo, j] ranks before the pivot, [i, hi] after it, and (j, i), if not empty,
     * holds the pivot.
     */
    private int partition(int lo, int hi) {
        int mid = (lo + hi) >>> 1;
        double pd = dist[mid];
        int pi = idx[mid];
        int i = lo;
        int j = hi;
        while (i <= j) {
            while (before(dist[i], idx[i], pd, pi)) {
                i++;
            }
            while (before(pd, pi, dist[j], idx[j])) {
                j--;
            }
            if (i <= j) {
                swap(i, j);
                i++;
                j--;
            }
        }
        split = i;
        return j;
    }

    /** The second result of {@link #partition}. */
    private int split;

    /** Puts the pair of rank {@code target} at {@code target}, smaller pairs before it, larger after. */
    private void select(int lo, int hi, int target) {
        while (lo < hi) {
            int j = partition(lo, hi);
            if (target <= j) {
                hi = j;
            } else if (target >= split) {
                lo = split;
            } else {
                return;
            }
        }
    }

    private void sort(int lo, int hi) {
        while (hi - lo > 16) {
            int j = partition(lo, hi);
            int i = split;
            if (j - lo < hi - i) {
                sort(lo, j);
                lo = i;
            } else {
                sort(i, hi);
                hi = j;
            }
        }
        for (int a = lo + 1; a <= hi; a++) {
            for (int b = a; b > lo && before(dist[b], idx[b], dist[b - 1], idx[b - 1]); b--) {
                swap(b, b - 1);
            }
        }
    }

    /** Writes the kept pairs (at most k), nearest first, into fresh arrays. */
    void drainSorted(int[][] outIdx, double[][] outDist, int row) {
        if (size > k) {
            compact();
        }
        sort(0, size - 1);
        outIdx[row] = Arrays.copyOf(idx, size);
        outDist[row] = Arrays.copyOf(dist, size);
    }
}
