package org.dml4j.eval;

/**
 * The metric keys a {@link RetrievalEvaluation} reports; all are valid MLflow metric keys.
 * <p>
 * Correspondence with the golden files' {@code own_metrics} names: {@link #MAP} is {@code average_precision},
 * {@link #MAP_AT_R} is {@code average_precision_at_r}, {@link #MRR} is {@code reciprocal_rank}; every other
 * name is the same. PML's {@code AccuracyCalculator} calls them {@code mean_average_precision},
 * {@code mean_average_precision_at_r}, {@code mean_reciprocal_rank}, {@code precision_at_1} and
 * {@code r_precision}.
 */
public final class MetricNames {
    /** Mean full-ranking average precision (reported with {@link RetrievalEvaluator#withFullRanking}). */
    public static final String MAP = "map";
    /** Mean average precision at R (Musgrave et al. 2020). */
    public static final String MAP_AT_R = "map_at_r";
    /** Mean R-precision. */
    public static final String R_PRECISION = "r_precision";
    /** Mean reciprocal rank of the first relevant reference. */
    public static final String MRR = "mrr";
    /** Normalized mutual information between query labels and a k-means clustering of the queries. */
    public static final String NMI = "nmi";
    /** Adjusted mutual information between query labels and a k-means clustering of the queries. */
    public static final String AMI = "ami";
    /** The number of queries without any relevant candidate (left out of every mean). */
    public static final String NUM_LONE_QUERIES = "num_lone_queries";
    /** The number of queries the means are taken over. */
    public static final String NUM_EVALUATED_QUERIES = "num_evaluated_queries";

    private MetricNames() {
    }

    /**
     * The key of precision at K.
     * @param k The cut-off.
     * @return {@code precision_at_K}.
     */
    public static String precisionAt(int k) {
        return "precision_at_" + k;
    }

    /**
     * The key of recall at K in the metric-learning sense (1 if any of the K nearest is relevant).
     * @param k The cut-off.
     * @return {@code recall_at_K}.
     */
    public static String recallAt(int k) {
        return "recall_at_" + k;
    }

    /**
     * The key of information-retrieval recall at K (relevant within K over R).
     * @param k The cut-off.
     * @return {@code ir_recall_at_K}.
     */
    public static String irRecallAt(int k) {
        return "ir_recall_at_" + k;
    }

    /**
     * The key of NDCG at K with binary relevance.
     * @param k The cut-off.
     * @return {@code ndcg_at_K}.
     */
    public static String ndcgAt(int k) {
        return "ndcg_at_" + k;
    }
}
