/**
 * Batch samplers decide which examples form each training batch of an epoch, from the class labels and a seeded
 * random number generator: {@link org.dml4j.sampling.MPerClassSampler} (M examples of each of several classes per
 * batch, covering every example each epoch), {@link org.dml4j.sampling.ClassBalancedSampler} (classes drawn
 * uniformly) and {@link org.dml4j.sampling.ShuffleSampler} (plain shuffling). {@link
 * org.dml4j.sampling.CrossBatchMemory} keeps the embeddings of recent batches so that a loss can compare a batch with
 * more than itself (Wang et al. 2020, XBM; see {@code org.dml4j.loss.CrossBatchMemoryLoss}).
 */
package org.dml4j.sampling;
