package org.dml4j.index;

/**
 * The open-set decision for one query: its nearest reference, and whether that reference is within the
 * threshold.
 *
 * @param known          true when the nearest reference is within the threshold (the query takes its label),
 *                       false when the query is "unknown"
 * @param label          the nearest reference's label (the prediction when {@code known})
 * @param referenceIndex the nearest reference's row
 * @param distance       the distance to it, in {@link KnnDistance} units
 */
public record OpenSetMatch(boolean known, int label, int referenceIndex, double distance) {

    /**
     * The predicted label, or a caller-chosen marker for "unknown".
     * @param unknown The value to return for an unknown query.
     * @return {@link #label()} when known, else {@code unknown}.
     */
    public int labelOr(int unknown) {
        return known ? label : unknown;
    }
}
