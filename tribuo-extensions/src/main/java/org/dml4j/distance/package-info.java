/**
 * Distances and similarities between embeddings, computed as pairwise matrices (the products in BLAS through ND4J,
 * the rest in Java loops over host arrays) and differentiable with respect to the embeddings: {@link
 * org.dml4j.distance.LpDistance}, {@link org.dml4j.distance.CosineSimilarity}, {@link
 * org.dml4j.distance.DotProductSimilarity} and the signal-to-noise ratio {@link org.dml4j.distance.SNRDistance}.
 * Two distances are equal when they compute the same matrix. A {@link
 * org.dml4j.distance.PairwiseMatrix} holds the values and turns a gradient with respect to them into gradients with
 * respect to the (raw, unnormalized) embeddings; {@link org.dml4j.distance.BatchedDistance} computes a large matrix
 * in blocks of query rows.
 */
package org.dml4j.distance;
