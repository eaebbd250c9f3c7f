package org.dml4j.distance;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Gradients of a loss with respect to the two inputs of a {@link PairwiseMatrix}.
 *
 * @param queries    dL/d(queries), B × d
 * @param references dL/d(references), N × d; the same array as {@code queries} for a self matrix
 */
public record EmbeddingGradients(INDArray queries, INDArray references) {
}
