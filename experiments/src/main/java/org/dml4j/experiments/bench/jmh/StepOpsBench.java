package org.dml4j.experiments.bench.jmh;

import org.dml4j.nd.ColumnSums;
import org.dml4j.nd.Rows;
import org.dml4j.nd.Workspaces;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.SplittableRandom;

/**
 * Two ND4J helpers of a training step of the reference protocol, each against the plain ND4J call it replaces:
 * gathering a batch of 256 random rows from a 60,000 × 784 float32 matrix (Fashion-MNIST's training images) with
 * {@link Rows#gather}, against ND4J's {@code pullRows}; and the bias gradient of the first 784-512 layer, the column
 * sums of a 256 × 512 float32 gradient, with {@link ColumnSums#of}, against ND4J's {@code sum(0)}. Each call
 * gathers another of 64 precomputed batches, so the rows are not all in the cache from the call before, and runs in
 * a workspace pass as in the trainer's step (outside one, allocating and freeing each 800 KB output through the
 * garbage collector dominates and varies more than the copy itself).
 */
public class StepOpsBench extends JmhDefaults {

    private static final int TRAINING_ROWS = 60_000;
    private static final int PIXELS = 784;
    private static final int BATCH = 256;
    private static final int HIDDEN = 512;
    private static final int BATCHES = 64;
    private static final String WORKSPACE = "jmh-step-ops";

    private INDArray images;
    private int[][] batches;
    private int next;
    private INDArray gradient;

    /** Draws the matrix, the batches' row indices and the gradient. */
    @Setup
    public void setUp() {
        images = BenchData.gaussian(TRAINING_ROWS, PIXELS, 5);
        SplittableRandom random = new SplittableRandom(6);
        batches = new int[BATCHES][];
        for (int b = 0; b < BATCHES; b++) {
            batches[b] = random.ints(BATCH, 0, TRAINING_ROWS).toArray();
        }
        gradient = BenchData.gaussian(BATCH, HIDDEN, 7);
    }

    private int[] nextBatch() {
        next = (next + 1) % BATCHES;
        return batches[next];
    }

    /** @param sink takes a batch's rows, gathered by {@link Rows#gather} */
    @Benchmark
    public void gatherRows(Blackhole sink) {
        try (MemoryWorkspace ignored = Workspaces.pass(WORKSPACE)) {
            sink.consume(Rows.gather(images, nextBatch()));
        }
    }

    /** @param sink takes (baseline) a batch's rows, gathered by ND4J's {@code pullRows} */
    @Benchmark
    public void baselinePullRows(Blackhole sink) {
        try (MemoryWorkspace ignored = Workspaces.pass(WORKSPACE)) {
            sink.consume(Nd4j.pullRows(images, 1, nextBatch(), 'c'));
        }
    }

    /** @param sink takes the column sums of the gradient, by {@link ColumnSums#of} */
    @Benchmark
    public void columnSums(Blackhole sink) {
        try (MemoryWorkspace ignored = Workspaces.pass(WORKSPACE)) {
            sink.consume(ColumnSums.of(gradient));
        }
    }

    /** @param sink takes (baseline) the column sums of the gradient, by ND4J's {@code sum(0)} */
    @Benchmark
    public void baselineSum0(Blackhole sink) {
        try (MemoryWorkspace ignored = Workspaces.pass(WORKSPACE)) {
            sink.consume(gradient.sum(0));
        }
    }
}
