package org.dml4j.index;

/**
 * For every query, the 1-based rank of each relevant reference in the query's full ranking.
 * <p>
 * A reference is relevant to a query when it is a candidate (not excluded by index) and carries the query's
 * label. The ranking sorts all candidates by ascending distance, ties by ascending reference index, so
 * {@code ranks(q)[j]} is the position of the (j+1)-th relevant reference and the array is strictly
 * increasing. Every rank-based retrieval metric (precision and recall at K, average precision over the full
 * ranking, R-precision, MAP@R, reciprocal rank, NDCG) is a function of these ranks, {@code R_q} and the
 * candidate count alone.
 */
public final class RelevantRanks {
    private final int[][] ranks;
    private final int[] numCandidates;

    /**
     * Creates the rank table (the arrays are kept, not copied).
     * @param ranks Per query, the strictly increasing 1-based ranks of its relevant references.
     * @param numCandidates Per query, the number of candidates it was ranked against.
     */
    public RelevantRanks(int[][] ranks, int[] numCandidates) {
        if (ranks.length != numCandidates.length) {
            throw new IllegalArgumentException("ranks has " + ranks.length + " rows but numCandidates has "
                    + numCandidates.length);
        }
        this.ranks = ranks;
        this.numCandidates = numCandidates;
    }

    /**
     * The number of queries.
     * @return The number of queries.
     */
    public int numQueries() {
        return ranks.length;
    }

    /**
     * The ranks of the relevant references of one query, ascending (the internal array, not a copy).
     * @param query The query row index.
     * @return The 1-based ranks; empty when the query has no relevant candidate.
     */
    public int[] ranks(int query) {
        return ranks[query];
    }

    /**
     * The number of relevant candidates {@code R_q} of one query.
     * @param query The query row index.
     * @return {@code R_q}.
     */
    public int numRelevant(int query) {
        return ranks[query].length;
    }

    /**
     * The number of candidates one query was ranked against (the reference count, minus one when the query
     * excluded the reference with its own index).
     * @param query The query row index.
     * @return The candidate count.
     */
    public int numCandidates(int query) {
        return numCandidates[query];
    }
}
