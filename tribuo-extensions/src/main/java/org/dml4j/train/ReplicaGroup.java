package org.dml4j.train;

import java.util.List;

/**
 * The data-parallel replicas one training run is split over (see
 * {@link MetricLearningTrainer#trainReplica}): every replica trains the same configuration on the same data with the
 * same seed, so every replica plans the same global batches; each embeds its contiguous shard of each batch, and two
 * exchanges per step let every replica compute the same update. An implementation carries the blocks between the
 * replicas (threads, processes, Spark barrier tasks).
 */
public interface ReplicaGroup {

    /** @return this replica's rank, from 0 to {@link #size()} - 1 */
    int rank();

    /** @return the number of replicas, at least 1 */
    int size();

    /**
     * Exchanges one block with every replica: each replica calls this at the same point of training with its own
     * block, and the call returns when all have.
     *
     * @param block this replica's block
     * @return every replica's block in rank order, this replica's own (equal to {@code block}) included
     */
    List<float[]> allGather(float[] block);
}
