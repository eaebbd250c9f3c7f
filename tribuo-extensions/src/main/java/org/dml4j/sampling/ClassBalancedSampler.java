package org.dml4j.sampling;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Batches in which every slot draws a class uniformly among the classes present, then an example of that class
 * uniformly (both with replacement), so rare classes are seen as often as common ones. An epoch has
 * {@code ceil(N / batchSize)} full batches; it does not guarantee that every example is seen.
 */
public final class ClassBalancedSampler implements BatchSampler {

    /** Creates the sampler; it has no parameters. */
    public ClassBalancedSampler() {
    }

    @Override
    public List<int[]> epoch(int[] labels, int batchSize, SplittableRandom rng) {
        Shuffling.checkBatchSize(batchSize);
        ClassMembers classes = ClassMembers.of(labels);
        int[][] members = new int[classes.numClasses()][];
        for (int c = 0; c < members.length; c++) {
            members[c] = classes.members(c);
        }
        int numBatches = (labels.length + batchSize - 1) / batchSize;
        List<int[]> batches = new ArrayList<>(numBatches);
        for (int b = 0; b < numBatches; b++) {
            int[] batch = new int[batchSize];
            for (int i = 0; i < batchSize; i++) {
                int[] pool = members[rng.nextInt(members.length)];
                batch[i] = pool[rng.nextInt(pool.length)];
            }
            batches.add(batch);
        }
        return batches;
    }

    @Override
    public String toString() {
        return "ClassBalancedSampler()";
    }
}
