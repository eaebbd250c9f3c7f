package org.dml4j.index;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Per query, the nearest candidates found in one or more {@link ReferenceShard shards}, nearest first (ties by
 * ascending global reference index), at most the query's depth of them, each with whether it shares the query's
 * label. Merging the lists of every shard of a reference set gives each query's top list over the whole set, from
 * which {@link #relevantRanks} builds what {@link ExactKnn#relevantTopRanks} returns.
 * <p>
 * Serializable, to travel between the machines of a cluster; memory is 13 bytes a kept candidate.
 */
public final class ShardTopLists implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final double[] NO_DISTANCES = new double[0];
    private static final int[] NO_INDICES = new int[0];
    private static final boolean[] NO_FLAGS = new boolean[0];

    private final int[] depth;
    private final double[][] distances;
    private final int[][] indices;
    private final boolean[][] relevant;

    /**
     * Empty lists.
     * @param depth Per query, the most candidates its list keeps (kept, not copied).
     */
    public ShardTopLists(int[] depth) {
        this.depth = depth;
        int q = depth.length;
        this.distances = new double[q][];
        this.indices = new int[q][];
        this.relevant = new boolean[q][];
        Arrays.fill(distances, NO_DISTANCES);
        Arrays.fill(indices, NO_INDICES);
        Arrays.fill(relevant, NO_FLAGS);
    }

    /** Sets one query's list (sorted, at most its depth long). */
    void set(int query, double[] dist, int[] index, boolean[] isRelevant) {
        distances[query] = dist;
        indices[query] = index;
        relevant[query] = isRelevant;
    }

    /**
     * The number of queries.
     * @return Q.
     */
    public int numQueries() {
        return depth.length;
    }

    /**
     * One query's candidates, nearest first (the internal array).
     * @param query The query.
     * @return Their global reference indices.
     */
    public int[] indices(int query) {
        return indices[query];
    }

    /**
     * Merges another shard's lists into these (in place): per query the nearest of both, at most its depth,
     * ordered by distance ({@link Double#compare}) then index, as {@link TopKSelector} orders.
     * @param other Lists of the same queries from references disjoint from these lists'.
     * @return These lists.
     */
    public ShardTopLists merge(ShardTopLists other) {
        if (other.numQueries() != numQueries()) {
            throw new IllegalArgumentException("cannot merge the lists of " + other.numQueries() + " queries into "
                    + numQueries());
        }
        for (int q = 0; q < numQueries(); q++) {
            mergeQuery(q, other);
        }
        return this;
    }

    private void mergeQuery(int q, ShardTopLists other) {
        double[] ad = distances[q];
        double[] bd = other.distances[q];
        if (bd.length == 0) {
            return;
        }
        int[] ai = indices[q];
        int[] bi = other.indices[q];
        int n = Math.min(depth[q], ad.length + bd.length);
        double[] dist = new double[n];
        int[] index = new int[n];
        boolean[] flags = new boolean[n];
        int a = 0;
        int b = 0;
        for (int p = 0; p < n; p++) {
            boolean takeA = b == bd.length || (a < ad.length && before(ad[a], ai[a], bd[b], bi[b]));
            if (takeA) {
                dist[p] = ad[a];
                index[p] = ai[a];
                flags[p] = relevant[q][a++];
            } else {
                dist[p] = bd[b];
                index[p] = bi[b];
                flags[p] = other.relevant[q][b++];
            }
        }
        set(q, dist, index, flags);
    }

    private static boolean before(double d1, int i1, double d2, int i2) {
        int c = Double.compare(d1, d2);
        return c < 0 || (c == 0 && i1 < i2);
    }

    /**
     * The relevant ranks within each query's list, as {@link ExactKnn#relevantTopRanks} reports them when these
     * lists are the merge of every shard of the reference set.
     * @param numRelevant Per query, its relevant candidates in the whole set {@code R_q}.
     * @param numCandidates Its candidates in the whole set.
     * @return The ranks.
     */
    public RelevantRanks relevantRanks(int[] numRelevant, int numCandidates) {
        int q = numQueries();
        int[][] ranks = new int[q][];
        for (int i = 0; i < q; i++) {
            boolean[] flags = relevant[i];
            int count = 0;
            for (boolean flag : flags) {
                count += flag ? 1 : 0;
            }
            ranks[i] = new int[count];
            count = 0;
            for (int p = 0; p < flags.length; p++) {
                if (flags[p]) {
                    ranks[i][count++] = p + 1;
                }
            }
        }
        int[] candidates = new int[q];
        Arrays.fill(candidates, numCandidates);
        return new RelevantRanks(ranks, candidates, numRelevant, depth.clone());
    }
}
