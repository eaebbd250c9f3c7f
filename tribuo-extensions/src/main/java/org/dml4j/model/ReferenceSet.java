package org.dml4j.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The embeddings an {@link EmbeddingModel} predicts from: one row per reference, each with the Tribuo output id of
 * its label and, for the training set, the training row it came from (for excuses).
 *
 * @param embeddings the reference embeddings, N × d float32
 * @param outputIds  the output id (in the model's output info) of each reference's label
 * @param rows       the training row of each reference, or -1 for class centroids
 * @param kind       how the set was built
 */
public record ReferenceSet(INDArray embeddings, int[] outputIds, int[] rows, Kind kind) {

    /** How a reference set is built. */
    public enum Kind {
        /** Every training example (k-nearest-neighbour prediction). */
        TRAINING_SET,
        /** The mean embedding of each class (nearest-centroid prediction; small and fast). */
        CLASS_CENTROIDS
    }

    /**
     * Validates the lengths.
     *
     * @param embeddings the reference embeddings
     * @param outputIds  the output id of each row
     * @param rows       the training row of each reference
     * @param kind       how the set was built
     */
    public ReferenceSet {
        if (embeddings.rows() != outputIds.length || outputIds.length != rows.length) {
            throw new IllegalArgumentException("reference set has " + embeddings.rows() + " embeddings, "
                    + outputIds.length + " labels and " + rows.length + " rows");
        }
        if (outputIds.length == 0) {
            throw new IllegalArgumentException("reference set is empty");
        }
    }

    /** @return the number of references */
    public int size() {
        return outputIds.length;
    }
}
