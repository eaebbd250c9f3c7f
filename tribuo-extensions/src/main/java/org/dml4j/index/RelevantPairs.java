package org.dml4j.index;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The exact full ranking of some queries over a sharded reference set, between its two passes: per listed query,
 * the (distance, global index) pairs of its relevant references, gathered from every {@link ReferenceShard} by
 * {@link #merge} and then {@link #sorted() sorted} for the second pass
 * ({@link ReferenceShard#candidatesBefore}). Serializable, to travel between the machines of a cluster; memory is
 * 12 bytes a relevant reference.
 */
public final class RelevantPairs implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double[][] distances;
    private final int[][] indices;
    private final int[] sizes;

    /**
     * No pairs yet.
     * @param queries The number of listed queries.
     */
    public RelevantPairs(int queries) {
        distances = new double[queries][0];
        indices = new int[queries][0];
        sizes = new int[queries];
    }

    /** Adds a pair to listed query s (one thread at a time per query). */
    void add(int s, double distance, int index) {
        if (sizes[s] == distances[s].length) {
            int capacity = Math.max(8, 2 * sizes[s]);
            distances[s] = Arrays.copyOf(distances[s], capacity);
            indices[s] = Arrays.copyOf(indices[s], capacity);
        }
        distances[s][sizes[s]] = distance;
        indices[s][sizes[s]++] = index;
    }

    /**
     * The number of listed queries.
     * @return The count.
     */
    public int numQueries() {
        return sizes.length;
    }

    /**
     * Adds another shard's pairs of the same queries to these (in place).
     * @param other Pairs from references disjoint from these pairs'.
     * @return These pairs.
     */
    public RelevantPairs merge(RelevantPairs other) {
        if (other.numQueries() != numQueries()) {
            throw new IllegalArgumentException("cannot merge the pairs of " + other.numQueries() + " queries into "
                    + numQueries());
        }
        for (int s = 0; s < sizes.length; s++) {
            for (int j = 0; j < other.sizes[s]; j++) {
                add(s, other.distances[s][j], other.indices[s][j]);
            }
        }
        return this;
    }

    /**
     * These pairs, each query's sorted by distance then index and trimmed to its count.
     * @return A new, sorted copy.
     */
    public RelevantPairs sorted() {
        RelevantPairs out = new RelevantPairs(sizes.length);
        for (int s = 0; s < sizes.length; s++) {
            RelevantRankCounter counter = counter(s);
            out.distances[s] = counter.sortedDistances();
            out.indices[s] = counter.sortedIndices();
            out.sizes[s] = sizes[s];
        }
        return out;
    }

    /** A sealed rank counter holding listed query s's pairs, ready for its second pass. */
    RelevantRankCounter counter(int s) {
        RelevantRankCounter counter = new RelevantRankCounter();
        for (int j = 0; j < sizes[s]; j++) {
            counter.addRelevant(distances[s][j], indices[s][j]);
        }
        counter.seal();
        return counter;
    }

    /**
     * Adds two shards' {@link ReferenceShard#candidatesBefore} counts (into {@code a}).
     * @param a Counts of some shards.
     * @param b Counts of others, for the same queries and pairs.
     * @return {@code a}, holding the sums.
     */
    public static int[][] sum(int[][] a, int[][] b) {
        for (int s = 0; s < a.length; s++) {
            for (int j = 0; j < a[s].length; j++) {
                a[s][j] += b[s][j];
            }
        }
        return a;
    }

    /**
     * The exact full-ranking ranks, from every shard's {@link ReferenceShard#candidatesBefore} counts summed.
     * @param before Per listed query, per sorted pair, the candidates of the whole set ranked before it.
     * @param numCandidates Each query's candidates in the whole set.
     * @return The ranks, as {@link ExactKnn#relevantRanks(org.nd4j.linalg.api.ndarray.INDArray, int[],
     *         org.nd4j.linalg.api.ndarray.INDArray, int[], boolean, int[], Runnable)} returns them.
     */
    public static RelevantRanks ranks(int[][] before, int numCandidates) {
        int[][] ranks = new int[before.length][];
        for (int s = 0; s < before.length; s++) {
            ranks[s] = Arrays.stream(before[s]).map(b -> b + 1).toArray();
        }
        int[] candidates = new int[before.length];
        Arrays.fill(candidates, numCandidates);
        return new RelevantRanks(ranks, candidates);
    }
}
