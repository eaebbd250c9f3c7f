package org.dml4j.train;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Plans the batches of one training epoch: from class labels with a batch sampler ({@link ClassBatches}) or from
 * annotated tuples ({@link TupleBatches}). All randomness comes from the generator passed in.
 */
interface BatchSource {

    /**
     * Plans one epoch.
     *
     * @param rng the epoch's generator, advanced by the call
     * @return the batches in training order
     */
    List<TrainingBatch> epoch(SplittableRandom rng);
}
