/**
 * Batch samplers decide which examples form each training batch of an epoch, from the class labels and a seeded
 * random number generator: {@link org.dml4j.sampling.MPerClassSampler} (M examples of each of several classes per
 * batch, covering every example each epoch), {@link org.dml4j.sampling.ClassBalancedSampler} (classes drawn
 * uniformly), {@link org.dml4j.sampling.ShuffleSampler} (plain shuffling), {@link
 * org.dml4j.sampling.HierarchicalSampler} (batches from a few super-classes at a time) and {@link
 * org.dml4j.sampling.FixedSetOfTriplets} (a fixed set of triplets); {@link org.dml4j.sampling.TuplesToWeightsSampler}
 * draws the examples a miner finds hard more often. {@link
 * org.dml4j.sampling.CrossBatchMemory} keeps the embeddings of recent batches so that a loss can compare a batch with
 * more than itself (Wang et al. 2020, XBM; see {@code org.dml4j.loss.CrossBatchMemoryLoss}).
 * {@link org.dml4j.sampling.Episodes} draws N-way few-shot episodes (support and query examples of N classes), as
 * batches for prototypical training ({@link org.dml4j.sampling.EpisodeSampler}) and for episodic evaluation
 * ({@code org.dml4j.eval.FewShotEvaluator}).
 */
package org.dml4j.sampling;
