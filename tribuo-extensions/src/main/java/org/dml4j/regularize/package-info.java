/**
 * Regularizers add a penalty on a set of rows to a loss, as pytorch-metric-learning's {@code regularizers}: on the
 * batch's embeddings (an embedding regularizer: Lp norm, zero mean) or on a loss's class vectors (a weight
 * regularizer: center-invariant, RegularFace, sparse centers). Each reduces its per-row (or per-pair) terms with its
 * own reducer and reports its gradient; {@link org.dml4j.regularize.RegularizedLoss} attaches an embedding and a
 * weight regularizer, each with its weight, to any loss, as PML's {@code embedding_regularizer} /
 * {@code weight_regularizer} arguments do.
 */
package org.dml4j.regularize;
