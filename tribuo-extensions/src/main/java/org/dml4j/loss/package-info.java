/**
 * Metric-learning losses, each returning its value and its gradient with respect to the embeddings (and to its own
 * parameters, such as proxies or class weights), composed as in pytorch-metric-learning: a loss takes a
 * {@link org.dml4j.distance.Distance} and a {@link org.dml4j.reduce.Reducer}, and accepts the tuples of any
 * {@link org.dml4j.mining.Miner}. Defaults follow PML (and so the papers).
 * <p>
 * Tuple losses ({@link org.dml4j.loss.TupleLoss}): contrastive, triplet margin, quadruplet, margin, lifted structure,
 * multi-similarity, NT-Xent, SupCon, Circle and NCA; angular, generalized lifted structure, intra-pair variance and
 * instance. Class-parameter losses ({@link org.dml4j.loss.ClassParameterLoss}): ProxyNCA, ProxyAnchor, normalized
 * softmax, and the margin softmax family ({@link org.dml4j.loss.MarginSoftmaxLoss}): ArcFace, CosFace, L-Softmax,
 * SphereFace and sub-center ArcFace.
 * <p>
 * As in PML, the tuple losses (but the quadruplet loss, the triplet loss with {@code swap}, and, unlike PML, the
 * angular loss; the instance loss takes none in PML either) also compare queries
 * with a separate reference set ({@code ref_emb}, {@code ref_labels}), with gradients for both sets; {@link
 * org.dml4j.loss.CrossBatchMemoryLoss} uses that to compare each batch with a memory of recent embeddings.
 * <p>
 * {@link org.dml4j.loss.MultipleLosses} is PML's weighted sum of losses, each with an optional miner of its own
 * ({@link org.dml4j.loss.WeightedLoss}); {@link org.dml4j.loss.VICRegLoss} is self-supervised and compares two views
 * of a batch instead of labeled embeddings.
 * <p>
 * {@link org.dml4j.loss.PrototypicalLoss} (prototypical networks, beyond PML) trains few-shot embeddings on the
 * episodic batches of {@link org.dml4j.sampling.EpisodeSampler}: each query against the mean of each class's support
 * rows.
 */
package org.dml4j.loss;
