package org.dml4j.index;

/**
 * For every query, the 1-based rank of each relevant reference in the query's full ranking, either all of them
 * or those within the query's top list.
 * <p>
 * A reference is relevant to a query when it is a candidate (not excluded by index) and carries the query's
 * label. The ranking sorts all candidates by ascending distance, ties by ascending reference index, so
 * {@code ranks(q)[j]} is the position of the (j+1)-th relevant reference and the array is strictly
 * increasing. Every rank-based retrieval metric (precision and recall at K, average precision over the full
 * ranking, R-precision, MAP@R, reciprocal rank, NDCG) is a function of these ranks, {@code R_q} and the
 * candidate count alone.
 * <p>
 * A table from {@link ExactKnn#relevantTopRanks} only knows the ranks within each query's top list of
 * {@link #depth(int)} candidates: {@code ranks(q)} then lists the relevant ranks up to that depth, and
 * {@link #isComplete(int)} is false when some of the {@code R_q} relevant references rank beyond it. A
 * metric that only looks at the first {@code depth} positions (precision at K &le; depth, R-precision and
 * MAP@R when {@code R_q} &le; depth, NDCG at K &le; depth) is exact either way.
 */
public final class RelevantRanks {
    private final int[][] ranks;
    private final int[] numCandidates;
    private final int[] numRelevant;
    private final int[] depth;

    /**
     * Creates a complete rank table: every relevant reference of every query is ranked (the arrays are kept,
     * not copied).
     * @param ranks Per query, the strictly increasing 1-based ranks of its relevant references.
     * @param numCandidates Per query, the number of candidates it was ranked against.
     */
    public RelevantRanks(int[][] ranks, int[] numCandidates) {
        this(ranks, numCandidates, lengths(ranks), numCandidates);
    }

    /**
     * Creates a rank table that may know only the ranks within each query's top list (the arrays are kept, not
     * copied).
     * @param ranks Per query, the strictly increasing 1-based ranks of its relevant references up to its depth.
     * @param numCandidates Per query, the number of candidates it was ranked against.
     * @param numRelevant Per query, its number of relevant candidates {@code R_q}, at least {@code ranks[q].length}.
     * @param depth Per query, how many of its nearest candidates were ranked: every relevant one among them is
     *              in {@code ranks[q]}.
     */
    public RelevantRanks(int[][] ranks, int[] numCandidates, int[] numRelevant, int[] depth) {
        if (ranks.length != numCandidates.length || ranks.length != numRelevant.length
                || ranks.length != depth.length) {
            throw new IllegalArgumentException("ranks has " + ranks.length + " rows but numCandidates, numRelevant "
                    + "and depth have " + numCandidates.length + ", " + numRelevant.length + " and " + depth.length);
        }
        for (int q = 0; q < ranks.length; q++) {
            if (numRelevant[q] < ranks[q].length) {
                throw new IllegalArgumentException("query " + q + " lists " + ranks[q].length
                        + " relevant ranks but has only " + numRelevant[q] + " relevant candidates");
            }
        }
        this.ranks = ranks;
        this.numCandidates = numCandidates;
        this.numRelevant = numRelevant;
        this.depth = depth;
    }

    private static int[] lengths(int[][] ranks) {
        int[] out = new int[ranks.length];
        for (int q = 0; q < ranks.length; q++) {
            out[q] = ranks[q].length;
        }
        return out;
    }

    /**
     * The number of queries.
     * @return The number of queries.
     */
    public int numQueries() {
        return ranks.length;
    }

    /**
     * The known ranks of the relevant references of one query, ascending (the internal array, not a copy): all
     * of them when {@link #isComplete(int)}, else those within {@link #depth(int)}.
     * @param query The query row index.
     * @return The 1-based ranks; empty when the query has no relevant candidate (or none within its depth).
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
        return numRelevant[query];
    }

    /**
     * How many of the query's nearest candidates were ranked (its candidate count for a full ranking).
     * @param query The query row index.
     * @return The depth.
     */
    public int depth(int query) {
        return depth[query];
    }

    /**
     * Whether the rank of every relevant reference of the query is known.
     * @param query The query row index.
     * @return True when {@code ranks(query).length == numRelevant(query)}.
     */
    public boolean isComplete(int query) {
        return ranks[query].length == numRelevant[query];
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
