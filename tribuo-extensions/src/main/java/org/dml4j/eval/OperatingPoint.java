package org.dml4j.eval;

/**
 * One operating point of a binary decision rule: the threshold and the rates it gives.
 *
 * @param threshold         the decision threshold, in the units and orientation of the scores it was chosen on
 *                          ({@code +Infinity} on "higher is positive" scores, {@code -Infinity} on distances, means
 *                          "accept nothing")
 * @param truePositiveRate  accepted positives over all positives (TAR for verification, recall); NaN without
 *                          positives
 * @param falsePositiveRate accepted negatives over all negatives (FAR); NaN without negatives
 * @param precision         accepted positives over all accepted; NaN when nothing is accepted
 */
public record OperatingPoint(double threshold, double truePositiveRate, double falsePositiveRate,
                             double precision) {

    /**
     * The same point with its threshold converted from "higher is positive" to the given orientation.
     * @param orientation The orientation of the caller's scores.
     * @return The converted point.
     */
    public OperatingPoint in(ScoreOrientation orientation) {
        return new OperatingPoint(orientation.fromHigherIsMatch(threshold), truePositiveRate, falsePositiveRate,
                precision);
    }
}
