/**
 * Miners pick the informative pairs, triplets or quadruplets of a batch; their output ({@link
 * org.dml4j.mining.IndexTuples}) is what every tuple loss accepts, so any miner composes with any loss, as in
 * pytorch-metric-learning: triplet margin (all / hard / semihard / easy), batch-hard, batch easy-hard, multi-similarity,
 * pair-margin, distance-weighted, HDC, uniform-histogram, angular, pre-packaged triplets and a hard quadruplet miner. All but the quadruplet miner are {@link
 * org.dml4j.mining.MatrixMiner}s: they decide from the batch's pairwise matrix, which a loss on the same distance can
 * then share ({@link org.dml4j.train.MinedLoss}), and they also mine queries against a separate reference set (PML's
 * {@code ref_emb}).
 */
package org.dml4j.mining;
