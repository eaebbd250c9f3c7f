package org.dml4j.distance;

import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A distance (smaller is more similar) or a similarity (larger is more similar, {@link #isInverted()}) between
 * embeddings, as in pytorch-metric-learning's {@code BaseDistance}.
 */
public interface Distance extends Configurable, Provenancable<ConfiguredObjectProvenance> {

    /**
     * Computes the matrix between every pair of rows of {@code embeddings}.
     *
     * @param embeddings a B × d matrix, one embedding per row
     * @return the B × B matrix; its diagonal is exact (0 for a distance)
     */
    PairwiseMatrix pairwise(INDArray embeddings);

    /**
     * Computes the matrix between the rows of {@code queries} and the rows of {@code references}.
     *
     * @param queries    a B × d matrix
     * @param references an N × d matrix
     * @return the B × N matrix
     */
    PairwiseMatrix pairwise(INDArray queries, INDArray references);

    /**
     * Whether larger values mean more similar (a similarity) rather than less similar (a distance).
     *
     * @return true for similarities
     */
    boolean isInverted();

    /**
     * Whether the embeddings are L2-normalized before the matrix is computed (the normalization is part of the
     * gradient).
     *
     * @return true if embeddings are normalized
     */
    boolean normalizesEmbeddings();

    /**
     * The signed gap by which {@code x} is "further" than {@code y}: {@code x - y} for a distance and {@code y - x}
     * for a similarity, as PML's {@code BaseDistance.margin}.
     *
     * @param x the first value
     * @param y the second value
     * @return the margin
     */
    default double margin(double x, double y) {
        return isInverted() ? y - x : x - y;
    }

    /**
     * The derivative of {@link #margin(double, double)} with respect to its first argument (+1 for a distance, -1
     * for a similarity); the derivative with respect to the second argument is its negation.
     *
     * @return the sign
     */
    default double marginSign() {
        return isInverted() ? -1.0 : 1.0;
    }
}
