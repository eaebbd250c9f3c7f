package org.dml4j.eval;

import org.dml4j.index.ExactKnn;
import org.dml4j.index.KnnResult;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tribuo.anomaly.Event;

import java.util.ArrayList;
import java.util.List;

/**
 * Anomaly scores from embeddings: the distance of a query to its k-th nearest "normal" reference embedding
 * (Ramaswamy, Rastogi and Shim, "Efficient Algorithms for Mining Outliers from Large Data Sets", 2000).
 * <p>
 * Larger scores are more anomalous. Distances are in the {@link org.dml4j.index.KnnDistance} units of the
 * search and are found exactly with {@link ExactKnn} in bounded memory. Scores become Tribuo anomaly
 * {@link Event}s with a threshold, and are judged against known anomaly labels with {@link #auroc}.
 */
public final class KnnAnomalyScorer {
    private final ExactKnn knn;
    private final INDArray normals;
    private final int k;

    /**
     * Creates a scorer.
     * @param knn The search.
     * @param normals The normal reference rows (N&times;d), N &ge; k.
     * @param k Which neighbour's distance is the score, at least 1 (k = 1: the nearest normal).
     */
    public KnnAnomalyScorer(ExactKnn knn, INDArray normals, int k) {
        if (knn == null || normals == null) {
            throw new IllegalArgumentException("knn and normals must not be null");
        }
        if (k < 1 || normals.rank() != 2 || normals.rows() < k) {
            throw new IllegalArgumentException("k must be at least 1 and at most the number of normal rows, found k="
                    + k + " with " + (normals.rank() == 2 ? normals.rows() : 0) + " rows");
        }
        this.knn = knn;
        this.normals = normals;
        this.k = k;
    }

    /**
     * Scores queries: the distance to the k-th nearest normal reference.
     * @param queries The query rows (Q&times;d).
     * @return One score per query.
     */
    public double[] score(INDArray queries) {
        return kthDistances(knn.search(queries, normals, k, false));
    }

    private double[] kthDistances(KnnResult result) {
        double[] scores = new double[result.numQueries()];
        for (int q = 0; q < scores.length; q++) {
            scores[q] = result.distances()[q][k - 1];
        }
        return scores;
    }

    /**
     * Scores the normal references themselves, each leaving itself out (its k-th nearest other normal), for
     * example to set the event threshold at a high quantile of normal scores.
     * @return One score per normal row.
     */
    public double[] scoreNormalsLeaveOneOut() {
        if (normals.rows() < k + 1) {
            throw new IllegalStateException("leave-one-out scores need at least k + 1 = " + (k + 1)
                    + " normal rows, found " + normals.rows());
        }
        return kthDistances(knn.search(normals, normals, k, true));
    }

    /**
     * Scores queries and turns the scores into Tribuo events: {@link Event.EventType#ANOMALOUS} when the score
     * exceeds the threshold, {@link Event.EventType#EXPECTED} otherwise; each event carries its score.
     * @param queries The query rows (Q&times;d).
     * @param threshold The largest score still considered normal.
     * @return One event per query.
     */
    public List<Event> events(INDArray queries, double threshold) {
        if (Double.isNaN(threshold)) {
            throw new IllegalArgumentException("threshold must not be NaN");
        }
        double[] scores = score(queries);
        List<Event> out = new ArrayList<>(scores.length);
        for (double s : scores) {
            out.add(new Event(s > threshold ? Event.EventType.ANOMALOUS : Event.EventType.EXPECTED, s));
        }
        return out;
    }

    /**
     * The area under the ROC curve of anomaly scores against known labels (Mann-Whitney, ties one half).
     * @param scores Anomaly scores, larger meaning more anomalous.
     * @param anomalous Whether each scored row is a known anomaly; both kinds must occur.
     * @return AUROC in [0, 1].
     */
    public static double auroc(double[] scores, boolean[] anomalous) {
        RocCurve curve = RocCurve.of(scores, anomalous);
        if (curve.positives() == 0 || curve.negatives() == 0) {
            throw new IllegalArgumentException("AUROC needs anomalies and normal rows, found "
                    + curve.positives() + " anomalies and " + curve.negatives() + " normal rows");
        }
        return curve.auc();
    }
}
