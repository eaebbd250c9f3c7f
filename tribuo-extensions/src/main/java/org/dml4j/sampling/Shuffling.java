package org.dml4j.sampling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Fisher–Yates shuffles driven by a {@link SplittableRandom}, so that a seed fixes the result. */
final class Shuffling {

    private Shuffling() {
    }

    /**
     * Shuffles an array in place.
     *
     * @param values the array
     * @param rng    the source of randomness
     */
    static void shuffle(int[] values, SplittableRandom rng) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
    }

    /**
     * Shuffles a list in place.
     *
     * @param values the list
     * @param rng    the source of randomness
     * @param <T>    the element type
     */
    static <T> void shuffle(List<T> values, SplittableRandom rng) {
        for (int i = values.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            values.set(i, values.set(j, values.get(i)));
        }
    }

    /**
     * A random permutation of {@code 0..n-1}.
     *
     * @param n   the length
     * @param rng the source of randomness
     * @return the permutation
     */
    static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        shuffle(p, rng);
        return p;
    }

    /**
     * {@code size} values drawn from {@code values} without replacement, or with replacement when there are fewer
     * than {@code size} (PML's {@code safe_random_choice}).
     *
     * @param values the values to draw from (not modified)
     * @param size   the number of draws
     * @param rng    the source of randomness
     * @return the drawn values
     */
    static int[] safeChoice(int[] values, int size, SplittableRandom rng) {
        int[] out = new int[size];
        if (values.length < size) {
            for (int i = 0; i < size; i++) {
                out[i] = values[rng.nextInt(values.length)];
            }
            return out;
        }
        int[] pool = values.clone();
        for (int i = 0; i < size; i++) {
            int j = i + rng.nextInt(pool.length - i);
            int t = pool[i];
            pool[i] = pool[j];
            pool[j] = t;
            out[i] = pool[i];
        }
        return out;
    }

    /**
     * Consecutive batches of {@code batchSize} from a sequence of indices, the last one shorter if needed.
     *
     * @param order     the indices in sampling order
     * @param batchSize the batch size
     * @return the batches
     */
    static List<int[]> cut(int[] order, int batchSize) {
        List<int[]> batches = new ArrayList<>((order.length + batchSize - 1) / batchSize);
        for (int start = 0; start < order.length; start += batchSize) {
            batches.add(Arrays.copyOfRange(order, start, Math.min(start + batchSize, order.length)));
        }
        return batches;
    }

    /**
     * Checks a batch size.
     *
     * @param batchSize the batch size
     * @throws IllegalArgumentException if it is not positive
     */
    static void checkBatchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, found " + batchSize);
        }
    }
}
