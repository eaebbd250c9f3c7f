package org.dml4j.index;

import java.util.Arrays;

/**
 * A bounded max-heap that keeps the k smallest (distance, index) pairs offered to it.
 * <p>
 * Pairs are ordered by distance, then by index, so the selection is deterministic under ties.
 */
final class TopKSelector {
    private final double[] dist;
    private final int[] idx;
    private int size;

    TopKSelector(int k) {
        this.dist = new double[k];
        this.idx = new int[k];
    }

    /** True if (d1, i1) ranks after (d2, i2). */
    private static boolean after(double d1, int i1, double d2, int i2) {
        return d1 > d2 || (d1 == d2 && i1 > i2);
    }

    /**
     * The distance a candidate must be below to enter when it comes after every kept pair in index order:
     * the k-th smallest distance so far, or +infinity while fewer than k pairs are kept.
     */
    double threshold() {
        return size < dist.length ? Double.POSITIVE_INFINITY : dist[0];
    }

    void offer(double d, int i) {
        if (size < dist.length) {
            int pos = size++;
            while (pos > 0) {
                int parent = (pos - 1) >>> 1;
                if (!after(d, i, dist[parent], idx[parent])) {
                    break;
                }
                dist[pos] = dist[parent];
                idx[pos] = idx[parent];
                pos = parent;
            }
            dist[pos] = d;
            idx[pos] = i;
        } else if (size > 0 && after(dist[0], idx[0], d, i)) {
            siftDownFromRoot(d, i);
        }
    }

    private void siftDownFromRoot(double d, int i) {
        int pos = 0;
        while (true) {
            int child = 2 * pos + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && after(dist[child + 1], idx[child + 1], dist[child], idx[child])) {
                child++;
            }
            if (!after(dist[child], idx[child], d, i)) {
                break;
            }
            dist[pos] = dist[child];
            idx[pos] = idx[child];
            pos = child;
        }
        dist[pos] = d;
        idx[pos] = i;
    }

    /** Writes the kept pairs, nearest first, into fresh arrays, and empties the selector (an in-place heap sort). */
    void drainSorted(int[][] outIdx, double[][] outDist, int row) {
        int n = size;
        while (size > 1) {
            int last = size - 1;
            double d = dist[last];
            int i = idx[last];
            dist[last] = dist[0];
            idx[last] = idx[0];
            size = last;
            siftDownFromRoot(d, i);
        }
        size = 0;
        outIdx[row] = Arrays.copyOf(idx, n);
        outDist[row] = Arrays.copyOf(dist, n);
    }
}
