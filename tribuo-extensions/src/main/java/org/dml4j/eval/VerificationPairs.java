package org.dml4j.eval;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Unordered pairs {@code (first[p], second[p])} of row indices, {@code first[p] < second[p]}, each marked
 * genuine (same label) or impostor, sorted by {@code (first, second)}.
 * <p>
 * {@link #all(int[])} lists every pair; {@link #sample(int[], int, int, long)} draws at most a given number
 * of genuine and of impostor pairs, each uniformly without replacement and reproducibly for a seed, in time
 * and memory proportional to the number drawn (not to n<sup>2</sup>). Score the pairs with
 * {@link org.dml4j.index.PairDistances} and evaluate them with {@link VerificationEvaluation}.
 */
public final class VerificationPairs {
    /**
     * The most pairs one instance holds: 50 million, about 1 GB at the peak of building them (a sort key of
     * 8 bytes and 9 bytes of output per pair); {@link #all(int[])} reaches it at about 10,000 rows.
     */
    public static final int MAX_PAIRS = 50_000_000;

    private final int[] first;
    private final int[] second;
    private final boolean[] genuine;

    private VerificationPairs(long[] keys, int n, int[] labels) {
        Arrays.sort(keys);
        first = new int[keys.length];
        second = new int[keys.length];
        genuine = new boolean[keys.length];
        for (int p = 0; p < keys.length; p++) {
            first[p] = (int) (keys[p] / n);
            second[p] = (int) (keys[p] % n);
            genuine[p] = labels[first[p]] == labels[second[p]];
        }
    }

    /**
     * Every unordered pair of distinct rows.
     * @param labels The row labels.
     * @return The n(n-1)/2 pairs.
     */
    public static VerificationPairs all(int[] labels) {
        Groups groups = Groups.of(labels);
        long total = groups.genuineTotal() + groups.impostorTotal();
        if (total > MAX_PAIRS) {
            throw new IllegalArgumentException(labels.length + " rows have " + total + " pairs, more than "
                    + MAX_PAIRS + "; use sample(labels, maxGenuine, maxImpostor, seed) instead");
        }
        long[] genuine = groups.enumerate(true);
        long[] impostor = groups.enumerate(false);
        long[] keys = Arrays.copyOf(genuine, genuine.length + impostor.length);
        System.arraycopy(impostor, 0, keys, genuine.length, impostor.length);
        return new VerificationPairs(keys, labels.length, labels);
    }

    /**
     * Draws up to {@code maxGenuine} genuine and {@code maxImpostor} impostor pairs, each kind uniformly
     * without replacement; a kind with no more pairs than asked for is taken whole.
     * @param labels The row labels.
     * @param maxGenuine The most genuine pairs, at least 0.
     * @param maxImpostor The most impostor pairs, at least 0.
     * @param seed The random seed; the same inputs and seed give the same pairs.
     * @return The pairs.
     */
    public static VerificationPairs sample(int[] labels, int maxGenuine, int maxImpostor, long seed) {
        if (maxGenuine < 0 || maxImpostor < 0 || (long) maxGenuine + maxImpostor > MAX_PAIRS) {
            throw new IllegalArgumentException("maxGenuine and maxImpostor must be >= 0 with a sum of at most "
                    + MAX_PAIRS + ", found " + maxGenuine + " and " + maxImpostor);
        }
        Groups groups = Groups.of(labels);
        SplittableRandom rng = new SplittableRandom(seed);
        long[] genuine = groups.draw(true, maxGenuine, rng.split());
        long[] impostor = groups.draw(false, maxImpostor, rng.split());
        long[] keys = Arrays.copyOf(genuine, genuine.length + impostor.length);
        System.arraycopy(impostor, 0, keys, genuine.length, impostor.length);
        return new VerificationPairs(keys, labels.length, labels);
    }

    /**
     * The number of pairs.
     * @return The pair count.
     */
    public int size() {
        return first.length;
    }

    /**
     * The smaller row index of every pair.
     * @return A copy.
     */
    public int[] first() {
        return first.clone();
    }

    /**
     * The larger row index of every pair.
     * @return A copy.
     */
    public int[] second() {
        return second.clone();
    }

    /**
     * Whether every pair is genuine (both rows share a label).
     * @return A copy.
     */
    public boolean[] genuine() {
        return genuine.clone();
    }

    /** Rows grouped by label: {@code order} lists row indices class by class. */
    private static final class Groups {
        private final int n;
        private final int[] order;
        private final int[] start;

        private Groups(int n, int[] order, int[] start) {
            this.n = n;
            this.order = order;
            this.start = start;
        }

        static Groups of(int[] labels) {
            if (labels == null || labels.length < 2) {
                throw new IllegalArgumentException("labels must hold at least two rows to form a pair, found "
                        + (labels == null ? "null" : labels.length));
            }
            Map<Integer, Integer> ids = new HashMap<>();
            int[] classOfRow = new int[labels.length];
            for (int i = 0; i < labels.length; i++) {
                classOfRow[i] = ids.computeIfAbsent(labels[i], key -> ids.size());
            }
            int[] start = new int[ids.size() + 1];
            for (int c : classOfRow) {
                start[c + 1]++;
            }
            for (int c = 0; c < ids.size(); c++) {
                start[c + 1] += start[c];
            }
            int[] fill = Arrays.copyOf(start, ids.size());
            int[] order = new int[labels.length];
            for (int i = 0; i < labels.length; i++) {
                order[fill[classOfRow[i]]++] = i;
            }
            return new Groups(labels.length, order, start);
        }

        private int size(int c) {
            return start[c + 1] - start[c];
        }

        /** Per class, the number of (row in class, partner) ordered pairs of a kind. */
        private long[] orderedWeights(boolean genuine) {
            long[] w = new long[start.length - 1];
            for (int c = 0; c < w.length; c++) {
                long s = size(c);
                w[c] = s * (genuine ? s - 1 : n - s);
            }
            return w;
        }

        long genuineTotal() {
            return Arrays.stream(orderedWeights(true)).sum() / 2;
        }

        long impostorTotal() {
            return Arrays.stream(orderedWeights(false)).sum() / 2;
        }

        private long key(int a, int b) {
            return a < b ? (long) a * n + b : (long) b * n + a;
        }

        /** Every pair of a kind, by class: O(count + classes). */
        long[] enumerate(boolean genuine) {
            long total = genuine ? genuineTotal() : impostorTotal();
            long[] out = new long[Math.toIntExact(total)];
            int k = 0;
            for (int c = 0; c < start.length - 1; c++) {
                int partnersFrom = genuine ? start[c] : start[c + 1];
                int partnersTo = genuine ? start[c + 1] : n;
                for (int x = start[c]; x < start[c + 1]; x++) {
                    for (int y = Math.max(partnersFrom, x + 1); y < partnersTo; y++) {
                        out[k++] = key(order[x], order[y]);
                    }
                }
            }
            return out;
        }

        /**
         * Up to {@code max} distinct pairs of a kind, uniformly. Small populations (at most 2 max) are listed
         * and partially shuffled; large ones are drawn by rejection of repeats, which then succeeds with
         * probability above one half per draw.
         */
        long[] draw(boolean genuine, int max, SplittableRandom rng) {
            long total = genuine ? genuineTotal() : impostorTotal();
            if (total <= 2L * max) {
                long[] all = enumerate(genuine);
                int take = Math.min(max, all.length);
                for (int i = 0; i < take; i++) {
                    int j = i + rng.nextInt(all.length - i);
                    long tmp = all[i];
                    all[i] = all[j];
                    all[j] = tmp;
                }
                return Arrays.copyOf(all, take);
            }
            long[] cumulative = orderedWeights(genuine);
            Arrays.parallelPrefix(cumulative, Long::sum);
            Set<Long> chosen = new HashSet<>();
            while (chosen.size() < max) {
                chosen.add(drawOne(genuine, cumulative, rng));
            }
            return chosen.stream().mapToLong(Long::longValue).toArray();
        }

        /**
         * A uniform ordered pair of a kind: a class with probability proportional to its ordered pairs, a
         * row of it uniformly, then a partner uniformly (same class minus the row, or any other class).
         */
        private long drawOne(boolean genuine, long[] cumulative, SplittableRandom rng) {
            long r = rng.nextLong(cumulative[cumulative.length - 1]);
            int lo = 0;
            int hi = cumulative.length - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cumulative[mid] <= r) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            int c = lo;
            int s = size(c);
            int x = rng.nextInt(s);
            int y;
            if (genuine) {
                y = rng.nextInt(s - 1);
                y += y >= x ? 1 : 0;
                return key(order[start[c] + x], order[start[c] + y]);
            }
            y = rng.nextInt(n - s);
            y += y >= start[c] ? s : 0;
            return key(order[start[c] + x], order[y]);
        }
    }
}
