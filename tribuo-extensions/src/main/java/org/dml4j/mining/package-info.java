/**
 * Miners pick the informative pairs, triplets or quadruplets of a batch; their output ({@link
 * org.dml4j.mining.IndexTuples}) is what every tuple loss accepts, so any miner composes with any loss, as in
 * pytorch-metric-learning: triplet margin (all / hard / semihard / easy), batch-hard, multi-similarity, pair-margin,
 * distance-weighted and a hard quadruplet miner.
 */
package org.dml4j.mining;
