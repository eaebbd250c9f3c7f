package org.dml4j.eval;

import org.dml4j.index.KnnResult;

/**
 * Picks a distance threshold on a calibration set, in the spirit of TensorFlow Similarity's
 * {@code calibrate}: the threshold then decides, in {@link org.dml4j.index.OpenSetMatcher}, whether a query's
 * nearest reference is close enough to lend its label or the query is "unknown".
 * <p>
 * A threshold t accepts a match whose distance is {@code <= t}. Candidate thresholds are the distinct
 * calibration distances, so tied distances are accepted together; the chosen threshold is always the most
 * permissive candidate that meets the target (the one accepting the most), and the returned
 * {@link OperatingPoint} reports what it achieves on the calibration set. When no candidate meets the
 * target the threshold is {@code -Infinity}: accept nothing.
 */
public final class ThresholdCalibration {

    private ThresholdCalibration() {
    }

    /**
     * The most permissive threshold whose precision (correct accepted matches over accepted matches) is at
     * least the target.
     * @param distances The distance of each calibration query to its nearest reference; no NaN.
     * @param correct Whether that nearest reference has the query's label.
     * @param targetPrecision The precision to reach, in (0, 1].
     * @return The point: threshold, precision, recall (correct matches accepted over correct matches) and
     *         the false-positive rate (wrong matches accepted over wrong matches).
     */
    public static OperatingPoint forPrecision(double[] distances, boolean[] correct, double targetPrecision) {
        if (!(targetPrecision > 0.0 && targetPrecision <= 1.0)) {
            throw new IllegalArgumentException("targetPrecision must be in (0, 1], found " + targetPrecision);
        }
        if (distances == null) {
            throw new IllegalArgumentException("distances must not be null");
        }
        RocCurve curve = RocCurve.of(ScoreOrientation.DISTANCE.toHigherIsMatch(distances), correct);
        for (int i = curve.numPoints() - 1; i > 0; i--) {
            OperatingPoint point = curve.point(i);
            if (point.precision() >= targetPrecision) {
                return point.in(ScoreOrientation.DISTANCE);
            }
        }
        return curve.point(0).in(ScoreOrientation.DISTANCE);
    }

    /**
     * {@link #forPrecision(double[], boolean[], double)} on the nearest neighbours of calibration queries.
     * @param nearest A search of the calibration queries against the references (k &ge; 1); only the first
     *                neighbour of each query is used.
     * @param queryLabels The calibration query labels.
     * @param referenceLabels The reference labels.
     * @param targetPrecision The precision to reach, in (0, 1].
     * @return The chosen point.
     */
    public static OperatingPoint forPrecision(KnnResult nearest, int[] queryLabels, int[] referenceLabels,
                                              double targetPrecision) {
        if (nearest == null || queryLabels == null || referenceLabels == null
                || queryLabels.length != nearest.numQueries()) {
            throw new IllegalArgumentException("need a search result and one label per query ("
                    + (nearest == null ? "no result" : nearest.numQueries() + " queries") + ")");
        }
        double[] distances = new double[queryLabels.length];
        boolean[] correct = new boolean[queryLabels.length];
        for (int q = 0; q < queryLabels.length; q++) {
            if (nearest.indices()[q].length == 0) {
                throw new IllegalArgumentException("query " + q + " has no neighbour; search with k >= 1");
            }
            distances[q] = nearest.distances()[q][0];
            correct[q] = referenceLabels[nearest.indices()[q][0]] == queryLabels[q];
        }
        return forPrecision(distances, correct, targetPrecision);
    }

    /**
     * The most permissive threshold whose false accept rate on verification pairs is at most the target
     * (the threshold of {@link VerificationEvaluation#atFar(double)}).
     * @param pairDistances The distance of every calibration pair.
     * @param genuine Whether each pair is genuine.
     * @param targetFar The false accept rate not to exceed, in [0, 1].
     * @return The point: threshold, TAR as true-positive rate, achieved FAR, precision.
     */
    public static OperatingPoint forFar(double[] pairDistances, boolean[] genuine, double targetFar) {
        return VerificationEvaluation.of(pairDistances, genuine, ScoreOrientation.DISTANCE).atFar(targetFar);
    }
}
