package org.dml4j.experiments.bench.jmh;

import org.dml4j.loss.ContrastiveLoss;
import org.dml4j.loss.CrossBatchMemoryLoss;
import org.dml4j.loss.LossResult;
import org.dml4j.mining.IntList;
import org.dml4j.mining.PairTuples;
import org.dml4j.sampling.CrossBatchMemory;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One cross-batch-memory step, loss value and gradient of a batch of 256 × 128 float32 N(0, 1) embeddings (8 classes
 * × 32) against a full memory of 4096, contrastive loss over all batch–memory pairs (no miner): {@link
 * CrossBatchMemoryLoss} (the B × M matrix, the memory holding the batch's copies, as PML 2.8.1) against the baseline
 * of earlier versions, the loss over the concatenation {@code [batch; memory]} ((B+M)² matrix and its backward pass)
 * restricted to batch–memory pairs. Both enqueue the batch first and keep the gradient of the batch rows only; each
 * has its own memory, filled alike in the setup.
 */
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
public class CrossBatchBench extends JmhDefaults {

    private static final int BATCH = 256;
    private static final int MEMORY = 4096;

    private INDArray batch;
    private int[] labels;
    private final ContrastiveLoss loss = new ContrastiveLoss();
    private CrossBatchMemoryLoss wrapper;
    private CrossBatchMemory concatenatedMemory;

    /** Draws the batch and fills both memories with the same 4096 embeddings. */
    @Setup
    public void setUp() {
        batch = BenchData.gaussian(BATCH, BenchData.DIM, 8);
        labels = BenchData.blockLabels(BATCH);
        wrapper = new CrossBatchMemoryLoss(loss, null, MEMORY);
        concatenatedMemory = new CrossBatchMemory(MEMORY);
        for (int k = 0; k < MEMORY / BATCH; k++) {
            INDArray earlier = BenchData.gaussian(BATCH, BenchData.DIM, 100 + k);
            wrapper.memory().enqueue(earlier, labels);
            concatenatedMemory.enqueue(earlier, labels);
        }
    }

    /** @return the step of the loss wrapper: batch × memory */
    @Benchmark
    public LossResult batchTimesMemory() {
        return wrapper.compute(batch, labels, null);
    }

    /** @return baseline: the step over the concatenation {@code [batch; memory]}, (B+M) × (B+M) */
    @Benchmark
    public INDArray baselineConcatenated() {
        concatenatedMemory.enqueue(batch, labels);
        int[] memoryLabels = concatenatedMemory.labels();
        int[] all = new int[BATCH + memoryLabels.length];
        System.arraycopy(labels, 0, all, 0, BATCH);
        System.arraycopy(memoryLabels, 0, all, BATCH, memoryLabels.length);
        INDArray rows = Nd4j.concat(0, batch, concatenatedMemory.embeddings());
        LossResult result = loss.compute(rows, all, anchorMemoryPairs(all, memoryLabels.length));
        return result.embeddingGradient().get(NDArrayIndex.interval(0, BATCH), NDArrayIndex.all()).dup();
    }

    /** Every pair of a batch anchor and a memory row except the anchor's own copy (the batch was enqueued last). */
    private static PairTuples anchorMemoryPairs(int[] labels, int m) {
        IntList pa = new IntList();
        IntList p = new IntList();
        IntList na = new IntList();
        IntList n = new IntList();
        for (int i = 0; i < BATCH; i++) {
            for (int j = BATCH; j < BATCH + m; j++) {
                if (j == m + i) {
                    continue;
                }
                if (labels[i] == labels[j]) {
                    pa.add(i);
                    p.add(j);
                } else {
                    na.add(i);
                    n.add(j);
                }
            }
        }
        return new PairTuples(pa.toArray(), p.toArray(), na.toArray(), n.toArray());
    }
}
