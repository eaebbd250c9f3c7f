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
}
