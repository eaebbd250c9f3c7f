package org.dml4j.index;

/**
 * The k nearest references of every query, nearest first.
 * <p>
 * Row {@code q} of {@link #indices()} holds reference row indices sorted by ascending distance, ties by
 * ascending reference index; the same row of {@link #distances()} holds the matching {@link KnnDistance}
 * values. A query with fewer than k candidates has shorter rows.
 */
public final class KnnResult {
    private final int[][] indices;
    private final double[][] distances;

    /**
     * Creates a result from per-query neighbour lists (the arrays are kept, not copied).
     * @param indices Reference indices per query, nearest first.
     * @param distances Distances per query, parallel to {@code indices}.
     */
    public KnnResult(int[][] indices, double[][] distances) {
        if (indices.length != distances.length) {
            throw new IllegalArgumentException("indices has " + indices.length + " rows but distances has "
                    + distances.length);
        }
        this.indices = indices;
        this.distances = distances;
    }

    /**
     * The number of queries.
     * @return The number of queries.
     */
    public int numQueries() {
        return indices.length;
    }

    /**
     * The neighbour indices of every query, nearest first (the internal arrays, not a copy).
     * @return The neighbour indices, one row per query.
     */
    public int[][] indices() {
        return indices;
    }

    /**
     * The neighbour distances of every query, ascending (the internal arrays, not a copy).
     * @return The distances, one row per query.
     */
    public double[][] distances() {
        return distances;
    }

    /**
     * Recall@k of an approximate search: the share of the true neighbours that it found, over all queries.
     * @param truth The exact neighbours (k per query, or all candidates when fewer).
     * @param found The neighbours to measure, for the same queries.
     * @return The number of true neighbours found divided by the number of true neighbours (1 when there are none).
     */
    public static double recall(KnnResult truth, KnnResult found) {
        if (truth.numQueries() != found.numQueries()) {
            throw new IllegalArgumentException("truth has " + truth.numQueries() + " queries but found has "
                    + found.numQueries());
        }
        long hits = 0;
        long total = 0;
        for (int q = 0; q < truth.numQueries(); q++) {
            java.util.Set<Integer> got = new java.util.HashSet<>();
            for (int r : found.indices()[q]) {
                got.add(r);
            }
            for (int expected : truth.indices()[q]) {
                hits += got.contains(expected) ? 1 : 0;
                total++;
            }
        }
        return total == 0 ? 1 : hits / (double) total;
    }
}
