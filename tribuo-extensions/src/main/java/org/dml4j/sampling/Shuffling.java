package org.dml4j.sampling;

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
