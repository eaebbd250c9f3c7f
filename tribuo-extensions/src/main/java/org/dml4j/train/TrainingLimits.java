package org.dml4j.train;

import org.bytedeco.javacpp.Pointer;

/**
 * Up-front checks of a training run's size, made before anything large is allocated, so that an impossible batch
 * size ends at once with a message instead of minutes of memory growth or an {@link OutOfMemoryError}:
 * <ul>
 *     <li>a batch cannot hold more examples than the training set has;</li>
 *     <li>the run's largest allocations must fit in the memory ND4J may use. The estimate counts the dense
 *     training matrix ({@code rows × features}), {@value #PAIRWISE_MATRICES} {@code batch × batch} matrices a step
 *     holds at once (distances, their gradients, label masks and mining scratch) and {@value #INPUT_COPIES}
 *     {@code batch × features} matrices (the gathered batch, the first layer's activations and gradients), all
 *     float32: a lower bound of what a step needs, so a run it refuses could not have trained.</li>
 * </ul>
 * {@code MetricLearningTrainer} checks every run with {@link #checkRun} before it builds the training matrix; the
 * command line calls it too, before it hands the data to the trainer.
 */
public final class TrainingLimits {

    /** The {@code batch × batch} float32 matrices a training step is counted to hold at once. */
    static final int PAIRWISE_MATRICES = 8;

    /** The {@code batch × features} float32 matrices a training step is counted to hold at once. */
    static final int INPUT_COPIES = 4;

    private TrainingLimits() {
    }

    /**
     * A lower bound of the bytes a run's largest allocations take (see the class description).
     *
     * @param rows      the training examples
     * @param features  the features per example
     * @param batchSize the examples per batch
     * @return the estimate in bytes
     */
    public static long estimateBytes(long rows, long features, long batchSize) {
        double floats = (double) rows * features + PAIRWISE_MATRICES * (double) batchSize * batchSize
                + INPUT_COPIES * (double) batchSize * features;
        return (long) Math.min(Long.MAX_VALUE, floats * Float.BYTES);
    }

    /**
     * Checks a run's batch size against its training set and its memory estimate against the memory available.
     *
     * @param rows           the training examples
     * @param features       the features per example
     * @param batchSize      the examples per batch
     * @param availableBytes the bytes ND4J may still allocate, e.g. {@link #availableBytes()}
     * @throws IllegalArgumentException naming the batch size and what would fit
     */
    public static void check(long rows, long features, long batchSize, long availableBytes) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("the batch size must be at least 1, found " + batchSize);
        }
        if (batchSize > rows) {
            throw new IllegalArgumentException("the batch size " + batchSize + " is larger than the " + rows
                    + " training examples; a batch cannot hold more examples than the training set: use at most "
                    + rows);
        }
        long needed = estimateBytes(rows, features, batchSize);
        if (needed > availableBytes) {
            throw new IllegalArgumentException(String.format("training %d examples × %d features with batch size"
                            + " %d needs at least %s, but ND4J may use only %s more; use a smaller batch size or"
                            + " give ND4J more memory (-Dorg.bytedeco.javacpp.maxbytes and maxphysicalbytes)", rows,
                    features, batchSize, gib(needed), gib(availableBytes)));
        }
    }

    /**
     * Checks a training run: the rows that train (the examples less the validation fraction) and the rows a batch
     * holds (the batch size, or for annotated tuples at most 4 distinct rows a tuple and at most every row) against
     * {@link #availableBytes()}.
     *
     * @param examples           the examples handed to the trainer
     * @param features           the features per example
     * @param batchSize          the trainer's batch size (tuples per batch with annotated tuples)
     * @param validationFraction the fraction held out for validation
     * @param tupleBatches       whether batches are annotated tuples rather than examples
     * @throws IllegalArgumentException naming the batch size and what would fit
     */
    public static void checkRun(long examples, long features, int batchSize, double validationFraction,
                                boolean tupleBatches) {
        long rows = examples - Math.round(examples * validationFraction);
        long batchRows = tupleBatches ? Math.min(rows, 4L * batchSize) : batchSize;
        check(rows, features, batchRows, availableBytes());
    }

    /**
     * The bytes ND4J may still allocate off the Java heap: the smaller of JavaCPP's two limits
     * ({@code org.bytedeco.javacpp.maxbytes} on its tracked allocations, {@code maxphysicalbytes} on the process's
     * resident memory) less what is in use.
     *
     * @return the available bytes ({@link Long#MAX_VALUE} when no limit is set)
     */
    public static long availableBytes() {
        long available = Long.MAX_VALUE;
        if (Pointer.maxBytes() > 0) {
            available = Math.min(available, Pointer.maxBytes() - Pointer.totalBytes());
        }
        if (Pointer.maxPhysicalBytes() > 0) {
            available = Math.min(available, Pointer.maxPhysicalBytes() - Pointer.physicalBytes());
        }
        return Math.max(0, available);
    }

    private static String gib(long bytes) {
        return String.format("%.2f GiB", bytes / (double) (1L << 30));
    }
}
