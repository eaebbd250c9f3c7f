package org.dml4j.eval;

/**
 * Per-query retrieval metrics computed from the ranks of the relevant references.
 * <p>
 * Every method takes {@code ranks}, the strictly increasing 1-based positions of the query's relevant
 * candidates in its full ranking (see {@link org.dml4j.index.RelevantRanks}); {@code R = ranks.length} must
 * be positive. With {@code rel_k = 1} when position k is relevant these equal the textbook definitions:
 * precision at K {@code = sum_{k<=K} rel_k / K}, average precision
 * {@code = (1/R) sum_k rel_k P@k}, and so on.
 */
public final class RankMetrics {
    private static final double LN2 = Math.log(2.0);

    private RankMetrics() {
    }

    private static int countWithin(int[] ranks, int k) {
        int count = 0;
        while (count < ranks.length && ranks[count] <= k) {
            count++;
        }
        return count;
    }

    private static void checkRanks(int[] ranks) {
        if (ranks.length == 0) {
            throw new IllegalArgumentException("a query without relevant references has no rank metrics");
        }
    }

    /**
     * Precision at K: the fraction of the K nearest that are relevant.
     * @param ranks The relevant ranks.
     * @param k The cut-off.
     * @return {@code sum_{k<=K} rel_k / K}.
     */
    public static double precisionAt(int[] ranks, int k) {
        checkRanks(ranks);
        return countWithin(ranks, k) / (double) k;
    }

    /**
     * Recall at K as used in metric learning: 1 if any of the K nearest is relevant, else 0.
     * @param ranks The relevant ranks.
     * @param k The cut-off.
     * @return 1 or 0.
     */
    public static double recallAt(int[] ranks, int k) {
        checkRanks(ranks);
        return ranks[0] <= k ? 1.0 : 0.0;
    }

    /**
     * Information-retrieval recall at K: the fraction of the relevant references found in the K nearest.
     * @param ranks The relevant ranks.
     * @param k The cut-off.
     * @return {@code sum_{k<=K} rel_k / R}.
     */
    public static double irRecallAt(int[] ranks, int k) {
        checkRanks(ranks);
        return countWithin(ranks, k) / (double) ranks.length;
    }

    /**
     * Average precision over the full ranking.
     * @param ranks The relevant ranks.
     * @return {@code (1/R) sum_j j / ranks[j-1]}.
     */
    public static double averagePrecision(int[] ranks) {
        checkRanks(ranks);
        double sum = 0.0;
        for (int j = 0; j < ranks.length; j++) {
            sum += (j + 1) / (double) ranks[j];
        }
        return sum / ranks.length;
    }

    /**
     * Average precision at R (MAP@R of Musgrave et al., "A Metric Learning Reality Check", 2020).
     * @param ranks The relevant ranks.
     * @return {@code (1/R) sum_{k<=R} rel_k P@k}.
     */
    public static double averagePrecisionAtR(int[] ranks) {
        checkRanks(ranks);
        int r = ranks.length;
        double sum = 0.0;
        for (int j = 0; j < r && ranks[j] <= r; j++) {
            sum += (j + 1) / (double) ranks[j];
        }
        return sum / r;
    }

    /**
     * R-precision: precision at R.
     * @param ranks The relevant ranks.
     * @return {@code sum_{k<=R} rel_k / R}.
     */
    public static double rPrecision(int[] ranks) {
        checkRanks(ranks);
        return countWithin(ranks, ranks.length) / (double) ranks.length;
    }

    /**
     * Reciprocal rank of the first relevant reference.
     * @param ranks The relevant ranks.
     * @return {@code 1 / ranks[0]}.
     */
    public static double reciprocalRank(int[] ranks) {
        checkRanks(ranks);
        return 1.0 / ranks[0];
    }

    /**
     * NDCG at K with binary relevance: {@code DCG = sum_{k<=K} rel_k / log2(k+1)} over the ideal
     * {@code IDCG = sum_{k<=min(K,R)} 1 / log2(k+1)}.
     * @param ranks The relevant ranks.
     * @param k The cut-off.
     * @return NDCG at K in [0, 1].
     */
    public static double ndcgAt(int[] ranks, int k) {
        checkRanks(ranks);
        double dcg = 0.0;
        for (int j = 0; j < ranks.length && ranks[j] <= k; j++) {
            dcg += LN2 / Math.log(ranks[j] + 1.0);
        }
        double idcg = 0.0;
        int ideal = Math.min(k, ranks.length);
        for (int pos = 1; pos <= ideal; pos++) {
            idcg += LN2 / Math.log(pos + 1.0);
        }
        return dcg / idcg;
    }
}
