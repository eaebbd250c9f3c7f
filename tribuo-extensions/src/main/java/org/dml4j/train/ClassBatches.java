package org.dml4j.train;

import org.dml4j.sampling.BatchSampler;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Batches of class-labelled rows planned by a {@link BatchSampler}; the miner chooses the tuples. */
final class ClassBatches implements BatchSource {

    private final BatchSampler sampler;
    private final int[] labels;
    private final int batchSize;

    /**
     * @param sampler   the sampler
     * @param labels    the class id of every training row
     * @param batchSize the batch size
     */
    ClassBatches(BatchSampler sampler, int[] labels, int batchSize) {
        this.sampler = sampler;
        this.labels = labels;
        this.batchSize = batchSize;
    }

    @Override
    public List<TrainingBatch> epoch(SplittableRandom rng) {
        List<TrainingBatch> out = new ArrayList<>();
        for (int[] rows : sampler.epoch(labels, batchSize, rng)) {
            int[] batchLabels = new int[rows.length];
            for (int i = 0; i < rows.length; i++) {
                batchLabels[i] = labels[rows[i]];
            }
            out.add(new TrainingBatch(rows, batchLabels, null));
        }
        return out;
    }
}
