package org.dml4j.sampling;

import com.oracle.labs.mlrg.olcut.config.Config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Plain shuffling: a random permutation of all examples cut into consecutive batches. The last batch is shorter
 * when the batch size does not divide the number of examples, unless {@code dropLast} drops it (as PyTorch's
 * {@code DataLoader(drop_last=True)}).
 */
public final class ShuffleSampler implements BatchSampler {

    @Config(description = "Whether to drop the last, incomplete batch (PyTorch default false).")
    private boolean dropLast = false;

    /** Creates the sampler, keeping the last incomplete batch. */
    public ShuffleSampler() {
    }

    /**
     * Creates the sampler.
     *
     * @param dropLast whether to drop the last incomplete batch
     */
    public ShuffleSampler(boolean dropLast) {
        this.dropLast = dropLast;
    }

    /** @return whether the last incomplete batch is dropped */
    public boolean dropLast() {
        return dropLast;
    }

    @Override
    public List<int[]> epoch(int[] labels, int batchSize, SplittableRandom rng) {
        Shuffling.checkBatchSize(batchSize);
        int n = labels.length;
        if (n == 0) {
            throw new IllegalArgumentException("cannot sample from an empty label array");
        }
        if (dropLast && n < batchSize) {
            throw new IllegalArgumentException("dropLast with " + n + " examples and batchSize " + batchSize
                    + " leaves no batch; lower batchSize or set dropLast to false");
        }
        int[] order = Shuffling.permutation(n, rng);
        int end = dropLast ? n - n % batchSize : n;
        List<int[]> batches = new ArrayList<>((end + batchSize - 1) / batchSize);
        for (int start = 0; start < end; start += batchSize) {
            batches.add(Arrays.copyOfRange(order, start, Math.min(start + batchSize, end)));
        }
        return batches;
    }

    @Override
    public String toString() {
        return "ShuffleSampler(dropLast=" + dropLast + ")";
    }
}
