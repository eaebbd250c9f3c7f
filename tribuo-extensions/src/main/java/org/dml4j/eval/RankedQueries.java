package org.dml4j.eval;

import org.dml4j.index.RelevantRanks;

import java.util.Arrays;
import java.util.TreeSet;

/**
 * The relevant ranks behind a {@link RetrievalEvaluator} run: every query's top list, and the exact full ranking
 * of the queries whose top list fell short of a requested metric.
 */
final class RankedQueries {
    final RelevantRanks top;
    final int[] cutoffs;
    final TreeSet<Integer> ndcg;
    private final RelevantRanks full;
    /** Per query, its row in {@link #full}, or -1. */
    private final int[] fullRow;

    /**
     * @param top The top-list ranks of every query.
     * @param exact The queries ranked in full, in the order of {@code full}'s rows.
     * @param full Their full-ranking ranks, or null when {@code exact} is empty.
     * @param cutoffs The precision and recall cut-offs.
     * @param ndcg The NDCG cut-offs.
     */
    RankedQueries(RelevantRanks top, int[] exact, RelevantRanks full, int[] cutoffs, TreeSet<Integer> ndcg) {
        this.top = top;
        this.full = full;
        this.cutoffs = cutoffs;
        this.ndcg = ndcg;
        this.fullRow = new int[top.numQueries()];
        Arrays.fill(fullRow, -1);
        for (int s = 0; s < exact.length; s++) {
            fullRow[exact[s]] = s;
        }
    }

    /**
     * The ranks to compute query q's metrics from, {@code R_q} of them: the exact ones when known; else the
     * known ranks within the top list of depth L followed by the placeholders L+1, L+2, ... for the relevant
     * references beyond it. The placeholders are lower bounds of the true ranks, and every metric computed
     * from such a query only looks at positions up to L (precision, recall and NDCG at K &le; L; MAP@R and
     * R-precision at R_q &le; L; reciprocal rank when a known rank exists), so those metrics are exact.
     */
    int[] ranks(int q) {
        if (fullRow[q] >= 0) {
            return full.ranks(fullRow[q]);
        }
        int[] known = top.ranks(q);
        if (top.isComplete(q)) {
            return known;
        }
        int[] out = Arrays.copyOf(known, top.numRelevant(q));
        for (int j = known.length; j < out.length; j++) {
            out[j] = top.depth(q) + 1 + (j - known.length);
        }
        return out;
    }
}
