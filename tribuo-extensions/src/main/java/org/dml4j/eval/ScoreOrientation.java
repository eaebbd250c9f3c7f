package org.dml4j.eval;

/**
 * Which way a pair score points: a distance is small for a matching pair, a similarity is large.
 * <p>
 * Verification and calibration work internally on "higher means more likely a match" scores; this enum
 * converts a score or a threshold to and from that form. Negation is exact in floating point, so a threshold
 * converted back is bit-identical to one of the caller's scores.
 */
public enum ScoreOrientation {
    /** Smaller is more similar (Euclidean, squared Euclidean, cosine distance); accept when {@code score <= t}. */
    DISTANCE,
    /** Larger is more similar (cosine similarity, inner product); accept when {@code score >= t}. */
    SIMILARITY;

    /**
     * Converts a score (or threshold) to the "higher means match" form.
     * @param score A score in this orientation.
     * @return The score negated for {@link #DISTANCE}, unchanged for {@link #SIMILARITY}.
     */
    public double toHigherIsMatch(double score) {
        return this == DISTANCE ? -score : score;
    }

    /**
     * Converts a "higher means match" score (or threshold) back to this orientation.
     * @param score A score in the "higher means match" form.
     * @return The score in this orientation.
     */
    public double fromHigherIsMatch(double score) {
        return this == DISTANCE ? -score : score;
    }

    /**
     * Converts every score to the "higher means match" form.
     * @param scores Scores in this orientation (not modified).
     * @return A new array.
     */
    public double[] toHigherIsMatch(double[] scores) {
        double[] out = new double[scores.length];
        for (int i = 0; i < scores.length; i++) {
            out[i] = toHigherIsMatch(scores[i]);
        }
        return out;
    }
}
