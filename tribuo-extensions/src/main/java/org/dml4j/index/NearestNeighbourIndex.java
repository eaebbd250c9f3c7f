package org.dml4j.index;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A searchable set of reference embeddings: row i of the rows added, in the order added, is reference i.
 * <p>
 * {@link ExactIndex} ranks every reference ({@link ExactKnn}: the ground truth); {@link HnswIndex} searches a
 * navigable small-world graph, approximately, in time that grows with the logarithm of the size. Both rank by
 * their {@link KnnDistance} and report distances in its units, nearest first. Rows and queries must be finite
 * and as wide as the index ({@link #dimension()}); anything else is refused with an
 * {@link IllegalArgumentException} that names the row. Searches may run concurrently with each other, not with
 * {@link #add}. Saved and loaded with {@link IndexFile}, which ties the file to the model it was built for.
 */
public interface NearestNeighbourIndex {

    /**
     * The dissimilarity the index ranks by.
     * @return The distance.
     */
    KnnDistance distance();

    /**
     * The width of the rows.
     * @return The number of columns of every reference and query.
     */
    int dimension();

    /**
     * The number of references.
     * @return The number of rows added so far.
     */
    int size();

    /**
     * Adds references; they take the next row indices ({@link #size()} onwards).
     * @param rows The new references (n&times;{@link #dimension()}), finite.
     */
    void add(INDArray rows);

    /**
     * Finds the (approximately, for a graph index) k nearest references of every query.
     * @param queries The query rows (Q&times;{@link #dimension()}), finite.
     * @param k The number of neighbours, at least 1; a query gets min(k, size) of them.
     * @return The neighbours, nearest first, with their distances.
     */
    KnnResult search(INDArray queries, int k);

    /**
     * The configuration the index was built with (its parameters, for provenance and for saving).
     * @return The specification.
     */
    IndexSpec spec();
}
