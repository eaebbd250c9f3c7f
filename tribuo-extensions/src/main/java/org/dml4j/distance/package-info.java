/**
 * Distances and similarities between embeddings, computed as pairwise matrices with ND4J and differentiable with
 * respect to the embeddings: {@link org.dml4j.distance.LpDistance}, {@link org.dml4j.distance.CosineSimilarity} and
 * {@link org.dml4j.distance.DotProductSimilarity}. A {@link org.dml4j.distance.PairwiseMatrix} holds the values and
 * turns a gradient with respect to them into gradients with respect to the (raw, unnormalized) embeddings.
 */
package org.dml4j.distance;
