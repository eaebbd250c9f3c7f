package org.dml4j.train;

/**
 * One trained batch.
 *
 * @param epoch        the epoch, from 1
 * @param batch        the batch within the epoch, from 0
 * @param step         the global step, from 1
 * @param loss         the batch loss
 * @param learningRate the learning rate used for this step
 * @param minedTuples  the number of tuples the miner selected, or -1 without a miner
 */
public record BatchEnd(int epoch, int batch, long step, double loss, double learningRate, int minedTuples) {
}
