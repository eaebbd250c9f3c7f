package org.dml4j.index;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Open-set matching: a query takes the label of its nearest reference when that reference is within a
 * distance threshold, and is "unknown" otherwise.
 * <p>
 * The threshold is in the {@link KnnDistance} units of the search (squared Euclidean for
 * {@link KnnDistance#SQUARED_EUCLIDEAN}); choose it on a calibration set with
 * {@link org.dml4j.eval.ThresholdCalibration}. The nearest reference is found exactly with {@link ExactKnn}
 * (ties to the lower reference index), in bounded memory, or by a {@link NearestNeighbourIndex} over the
 * references (approximately, for a graph index).
 */
public final class OpenSetMatcher {
    private final Function<INDArray, KnnResult> nearest;
    private final int[] referenceLabels;
    private final double threshold;

    /**
     * Creates a matcher.
     * @param knn The search (its distance defines the threshold units).
     * @param references The reference rows (N&times;d), N &ge; 1.
     * @param referenceLabels The reference labels (length N).
     * @param threshold The largest accepted distance; {@code -Infinity} rejects everything. Not NaN.
     */
    public OpenSetMatcher(ExactKnn knn, INDArray references, int[] referenceLabels, double threshold) {
        if (knn == null || references == null || referenceLabels == null) {
            throw new IllegalArgumentException("knn, references and referenceLabels must not be null");
        }
        if (references.rank() != 2 || references.rows() < 1 || references.rows() != referenceLabels.length) {
            throw new IllegalArgumentException("references must be a non-empty matrix with one label per row, found "
                    + references.rows() + " rows and " + referenceLabels.length + " labels");
        }
        this.nearest = queries -> knn.search(queries, references, 1, false);
        this.referenceLabels = referenceLabels.clone();
        this.threshold = checkThreshold(threshold);
    }

    /**
     * Creates a matcher that finds the nearest reference with an index.
     * @param index The index over the references (its distance defines the threshold units), not empty.
     * @param referenceLabels The label of each indexed row (length {@code index.size()}).
     * @param threshold The largest accepted distance; {@code -Infinity} rejects everything. Not NaN.
     */
    public OpenSetMatcher(NearestNeighbourIndex index, int[] referenceLabels, double threshold) {
        if (index == null || referenceLabels == null) {
            throw new IllegalArgumentException("index and referenceLabels must not be null");
        }
        if (index.size() < 1 || index.size() != referenceLabels.length) {
            throw new IllegalArgumentException("the index must be non-empty with one label per row, found "
                    + index.size() + " rows and " + referenceLabels.length + " labels");
        }
        this.nearest = queries -> index.search(queries, 1);
        this.referenceLabels = referenceLabels.clone();
        this.threshold = checkThreshold(threshold);
    }

    private static double checkThreshold(double threshold) {
        if (Double.isNaN(threshold)) {
            throw new IllegalArgumentException("threshold must not be NaN; use -Infinity to reject every query");
        }
        return threshold;
    }

    /**
     * The distance threshold.
     * @return The largest accepted distance.
     */
    public double threshold() {
        return threshold;
    }

    /**
     * Matches every query.
     * @param queries The query rows (Q&times;d).
     * @return One decision per query, in query order.
     */
    public List<OpenSetMatch> match(INDArray queries) {
        KnnResult found = nearest.apply(queries);
        List<OpenSetMatch> out = new ArrayList<>(found.numQueries());
        for (int q = 0; q < found.numQueries(); q++) {
            int ref = found.indices()[q][0];
            double d = found.distances()[q][0];
            out.add(new OpenSetMatch(d <= threshold, referenceLabels[ref], ref, d));
        }
        return out;
    }
}
