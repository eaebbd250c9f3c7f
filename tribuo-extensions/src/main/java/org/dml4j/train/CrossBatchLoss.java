package org.dml4j.train;

import org.dml4j.loss.LossResult;
import org.dml4j.loss.MetricLoss;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.IntList;
import org.dml4j.mining.Miner;
import org.dml4j.mining.PairTuples;
import org.dml4j.mining.QuadrupletTuples;
import org.dml4j.mining.TripletTuples;
import org.dml4j.sampling.CrossBatchMemory;
import org.dml4j.sampling.MemoryBatch;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A loss computed against a cross-batch memory (Wang et al. 2020, "Cross-Batch Memory for Embedding Learning"),
 * following PML's {@code CrossBatchMemory}: the batch is first enqueued (detached), then the loss is computed with the
 * batch rows as anchors and the memory rows, the batch's own copies included, as the other members of every tuple;
 * the comparison of a row with its own copy is dropped. The gradient reaches the network only through the anchors.
 * <p>
 * With the existing losses this is the loss over the concatenation {@code [batch; memory]} restricted to tuples whose
 * anchor lies in the batch and whose other members lie in the memory, keeping only the batch rows of the gradient.
 * Without a miner the tuples are all anchor–memory pairs (as PML's {@code get_all_pairs_indices}); a miner mines the
 * whole concatenation, and a member it picks from the batch is replaced by that row's identical memory copy.
 */
final class CrossBatchLoss {

    private final MetricLoss loss;
    private final Miner miner;
    private final CrossBatchMemory memory;

    /** What one step computed. */
    record Step(LossResult result, IndexTuples tuples) {
    }

    /**
     * @param loss       the loss (it must use the tuples it is given)
     * @param miner      the miner, or null for all anchor–memory pairs
     * @param memorySize the number of embeddings remembered, at least the batch size
     */
    CrossBatchLoss(MetricLoss loss, Miner miner, int memorySize) {
        this.loss = loss;
        this.miner = miner;
        this.memory = new CrossBatchMemory(memorySize);
    }

    /** @return the live memory (for checkpoints) */
    CrossBatchMemory memory() {
        return memory;
    }

    /**
     * Enqueues a batch and computes the loss of its rows against the memory.
     *
     * @param batch  the {@code B × d} embeddings of the batch
     * @param labels their labels
     * @return the loss with the gradient of the batch rows only ({@code B × d}), and the tuples used, as indices into
     *         {@code [batch; memory]}
     * @throws IllegalArgumentException if the batch is larger than the memory
     */
    Step compute(INDArray batch, int[] labels) {
        int b = labels.length;
        if (b > memory.capacity()) {
            throw new IllegalArgumentException("a batch of " + b + " rows does not fit a cross-batch memory of "
                    + memory.capacity() + "; memorySize must be >= the batch size");
        }
        memory.enqueue(batch, labels);
        MemoryBatch all = memory.concat(batch, labels);
        // The batch was enqueued last, so batch row j's copy is concatenated row m + j.
        int m = all.memoryRows();
        IndexTuples tuples = miner == null ? anchorMemoryPairs(all.labels(), b, m)
                : restrict(miner.mine(all.embeddings(), all.labels()), b, m);
        LossResult result = loss.compute(all.embeddings(), all.labels(), tuples);
        INDArray gradient = result.embeddingGradient().get(NDArrayIndex.interval(0, b), NDArrayIndex.all()).dup();
        return new Step(new LossResult(result.value(), gradient, result.parameterGradients()), tuples);
    }

    /** Every pair of a batch anchor and a memory row except the anchor's own copy, positive when labels agree. */
    static PairTuples anchorMemoryPairs(int[] labels, int b, int m) {
        IntList pa = new IntList();
        IntList p = new IntList();
        IntList na = new IntList();
        IntList n = new IntList();
        for (int i = 0; i < b; i++) {
            for (int j = b; j < b + m; j++) {
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

    /**
     * Keeps the mined tuples whose anchor is a batch row, moves their other members from the batch to the memory
     * copies, and drops comparisons of an anchor with its own copy and duplicates.
     *
     * @param mined the tuples mined over the concatenation
     * @param b     the batch size
     * @param m     the number of memory rows
     * @return the tuples the loss uses
     */
    static IndexTuples restrict(IndexTuples mined, int b, int m) {
        Set<List<Integer>> seen = new HashSet<>();
        if (mined instanceof PairTuples pairs) {
            int[][] pos = keep(seen, b, m, true, pairs.posAnchors(), pairs.positives());
            int[][] neg = keep(seen, b, m, false, pairs.negAnchors(), pairs.negatives());
            return new PairTuples(pos[0], pos[1], neg[0], neg[1]);
        }
        if (mined instanceof TripletTuples t) {
            int[][] kept = keep(seen, b, m, true, t.anchors(), t.positives(), t.negatives());
            return new TripletTuples(kept[0], kept[1], kept[2]);
        }
        QuadrupletTuples q = (QuadrupletTuples) mined;
        int[][] kept = keep(seen, b, m, true, q.anchors(), q.positives(), q.negatives(), q.secondNegatives());
        return new QuadrupletTuples(kept[0], kept[1], kept[2], kept[3]);
    }

    /** Filters parallel index columns (anchor first); {@code positiveSecond}: column 1 is the anchor's positive. */
    private static int[][] keep(Set<List<Integer>> seen, int b, int m, boolean positiveSecond, int[]... columns) {
        IntList[] out = new IntList[columns.length];
        Arrays.setAll(out, c -> new IntList());
        for (int t = 0; t < columns[0].length; t++) {
            int anchor = columns[0][t];
            if (anchor >= b) {
                continue;
            }
            List<Integer> key = new ArrayList<>(columns.length + 1);
            key.add(positiveSecond ? 1 : 0);
            key.add(anchor);
            for (int c = 1; c < columns.length; c++) {
                key.add(columns[c][t] < b ? m + columns[c][t] : columns[c][t]);
            }
            if (positiveSecond && key.get(2) == m + anchor || !seen.add(key)) {
                continue;
            }
            for (int c = 0; c < columns.length; c++) {
                out[c].add(key.get(c + 1));
            }
        }
        int[][] arrays = new int[columns.length][];
        for (int c = 0; c < columns.length; c++) {
            arrays[c] = out[c].toArray();
        }
        return arrays;
    }
}
