package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.IntList;
import org.dml4j.mining.MatrixMiner;
import org.dml4j.mining.Miner;
import org.dml4j.mining.PairTuples;
import org.dml4j.mining.TripletTuples;
import org.dml4j.sampling.CrossBatchMemory;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * Cross-batch memory (Wang et al. 2020, "Cross-Batch Memory for Embedding Learning") as a loss wrapper, PML's
 * {@code CrossBatchMemory(loss, embedding_size, memory_size, miner)}: each call first enqueues the batch (detached)
 * into a {@link CrossBatchMemory} of the most recent {@code memorySize} embeddings, then computes the wrapped loss
 * with the batch as queries and the whole memory, the batch's own copies included, as the reference set. Its tuples
 * are all query–memory pairs, or those the miner picks from the queries against the memory, less each row's
 * comparison with its own copy (PML's {@code remove_self_comparisons}). Only the {@code B × M} matrix is computed, and
 * the memory is a constant: the gradient reaches the batch only.
 * <p>
 * The memory is indexed oldest row first (PML indexes its ring buffer by slot: the same tuples, in another order),
 * so that a memory restored from a checkpoint continues the run exactly. Stateful and not thread-safe; each training
 * run gets its own empty memory ({@link #forTraining}). The trainer's {@code memorySize} wraps its loss and miner in
 * this class and checkpoints the memory.
 */
public final class CrossBatchMemoryLoss implements MetricLoss {

    @Config(mandatory = true, description = "The loss computed against the memory (one that accepts a reference set).")
    private MetricLoss loss;

    @Config(description = "The miner of the batch against the memory, or unset for all pairs.")
    private Miner miner;

    @Config(description = "The number of embeddings remembered (PML default 1024).")
    private int memorySize = 1024;

    private CrossBatchMemory memory;

    /**
     * What one step computed.
     *
     * @param result the loss with the gradient of the batch rows
     * @param tuples the tuples used: anchors index the batch, the other members the memory, oldest row first
     */
    public record Step(LossResult result, IndexTuples tuples) {
    }

    /** For OLCUT. */
    private CrossBatchMemoryLoss() {
    }

    /**
     * Creates the wrapper with an empty memory.
     *
     * @param loss       the loss (it must accept a reference set: a tuple loss, as in PML)
     * @param miner      the miner (it must accept a reference set), or null for all pairs
     * @param memorySize the number of embeddings remembered, at least the batch size
     */
    public CrossBatchMemoryLoss(MetricLoss loss, Miner miner, int memorySize) {
        this.loss = loss;
        this.miner = miner;
        this.memorySize = memorySize;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (!loss.acceptsReferences()) {
            throw new PropertyException("", "loss", "cross-batch memory needs a loss that accepts a reference set (a"
                    + " tuple loss such as ContrastiveLoss or MultiSimilarityLoss, as in PML), found " + loss);
        }
        if (miner != null && !miner.acceptsReferences()) {
            throw new PropertyException("", "miner", "cross-batch memory needs a miner that mines against a reference"
                    + " set (triplet margin, batch-hard, multi-similarity, pair-margin, distance-weighted), found "
                    + miner);
        }
        memory = new CrossBatchMemory(memorySize);
    }

    /** @return the live memory (for checkpoints) */
    public CrossBatchMemory memory() {
        return memory;
    }

    /**
     * Enqueues a batch and computes the loss of its rows against the memory.
     *
     * @param embeddings the {@code B × d} embeddings of the batch
     * @param labels     their labels
     * @param tuples     must be null: the tuples are mined against the memory
     * @return the loss with the gradient of the batch rows ({@code B × d})
     */
    @Override
    public LossResult compute(INDArray embeddings, int[] labels, IndexTuples tuples) {
        if (tuples != null) {
            throw new IllegalArgumentException("cross-batch memory mines its own tuples against the memory; pass"
                    + " null tuples (PML's concatenation of given tuples is not supported)");
        }
        return step(embeddings, labels).result();
    }

    /**
     * Enqueues a batch and computes the loss of its rows against the memory.
     *
     * @param embeddings the {@code B × d} embeddings of the batch
     * @param labels     their labels
     * @return the loss with the gradient of the batch rows ({@code B × d}), and the tuples used: anchors index the
     *         batch, the other members the memory, oldest row first
     * @throws IllegalArgumentException if the batch is larger than the memory
     */
    public Step step(INDArray embeddings, int[] labels) {
        int b = labels.length;
        if (b > memory.capacity()) {
            throw new IllegalArgumentException("a batch of " + b + " rows does not fit a cross-batch memory of "
                    + memory.capacity() + "; memorySize must be >= the batch size");
        }
        memory.enqueue(embeddings, labels);
        INDArray references = memory.embeddings();
        int[] referenceLabels = memory.labels();
        // The batch was enqueued last: its row j is memory row firstCopy + j.
        int firstCopy = referenceLabels.length - b;
        if (loss instanceof TupleLoss tupleLoss) {
            PairwiseMatrix matrix = tupleLoss.distance().pairwise(embeddings, references);
            IndexTuples mined = miner instanceof MatrixMiner<?> matrixMiner
                    && matrixMiner.distance().equals(tupleLoss.distance())
                    ? matrixMiner.mine(matrix, labels, referenceLabels)
                    : mine(embeddings, labels, references, referenceLabels);
            IndexTuples kept = withoutSelfComparisons(mined, firstCopy);
            return new Step(tupleLoss.computeDetached(matrix, labels, referenceLabels, kept), kept);
        }
        IndexTuples kept = withoutSelfComparisons(mine(embeddings, labels, references, referenceLabels), firstCopy);
        ReferenceLossResult result = loss.compute(embeddings, labels, kept, references, referenceLabels);
        return new Step(new LossResult(result.value(), result.queryGradient(), Map.of()), kept);
    }

    private IndexTuples mine(INDArray queries, int[] queryLabels, INDArray references, int[] referenceLabels) {
        return miner == null ? PairTuples.all(queryLabels, referenceLabels)
                : miner.mine(queries, queryLabels, references, referenceLabels);
    }

    /**
     * Drops the positives that are the anchor's own copy, as PML's {@code remove_self_comparisons} (a negative is
     * never a copy of its anchor).
     *
     * @param tuples    tuples of batch anchors against the memory
     * @param firstCopy the memory row of the copy of batch row 0 (row {@code j}'s is {@code firstCopy + j})
     * @return the tuples without self comparisons
     */
    static IndexTuples withoutSelfComparisons(IndexTuples tuples, int firstCopy) {
        if (tuples instanceof PairTuples pairs) {
            int[][] kept = keep(firstCopy, pairs.posAnchors(), pairs.positives());
            return new PairTuples(kept[0], kept[1], pairs.negAnchors(), pairs.negatives());
        }
        if (tuples instanceof TripletTuples t) {
            int[][] kept = keep(firstCopy, t.anchors(), t.positives(), t.negatives());
            return new TripletTuples(kept[0], kept[1], kept[2]);
        }
        throw new IllegalArgumentException("cross-batch memory takes pairs or triplets, found " + tuples);
    }

    /** Filters parallel index columns (anchor first, positive second) to the tuples whose positive is not a copy. */
    private static int[][] keep(int firstCopy, int[]... columns) {
        IntList[] out = new IntList[columns.length];
        for (int c = 0; c < columns.length; c++) {
            out[c] = new IntList();
        }
        for (int t = 0; t < columns[0].length; t++) {
            if (columns[1][t] == firstCopy + columns[0][t]) {
                continue;
            }
            for (int c = 0; c < columns.length; c++) {
                out[c].add(columns[c][t]);
            }
        }
        int[][] arrays = new int[columns.length][];
        for (int c = 0; c < columns.length; c++) {
            arrays[c] = out[c].toArray();
        }
        return arrays;
    }

    @Override
    public Map<String, INDArray> parameters() {
        return loss.parameters();
    }

    /**
     * A wrapper of the loss for training (see {@link MetricLoss#forTraining}) with an empty memory of its own.
     *
     * @param seed the seed of the wrapped loss's parameters
     * @return the wrapper to train with
     */
    @Override
    public MetricLoss forTraining(long seed) {
        return new CrossBatchMemoryLoss(loss.forTraining(seed), miner, memorySize);
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "MetricLoss");
    }

    @Override
    public String toString() {
        return "CrossBatchMemoryLoss(loss=" + loss + ", miner=" + miner + ", memorySize=" + memorySize + ")";
    }
}
