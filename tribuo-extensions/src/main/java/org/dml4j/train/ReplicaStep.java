package org.dml4j.train;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;
import java.util.Map;

/**
 * One data-parallel step's exchanges between the replicas of a {@link ReplicaGroup}, as PyTorch Metric Learning's
 * {@code DistributedLossWrapper} under {@code DistributedDataParallel} does them:
 * <ol>
 * <li>each replica embeds its shard of the global batch (rows {@link #from} to {@link #to}) and
 * {@link #gather}s every shard's embeddings, so the loss sees the global batch — the same on every replica, as
 * the labels (every replica planned the same batch); the gradient the loss gives the local rows is the one the
 * single-process loss gives them, and the other rows' gradient is dropped (they are constants here);</li>
 * <li>after back-propagating its rows, each replica holds its shard's part of the network's gradient, a sum over
 * its rows: {@link #reduce} adds the parts (the single-process gradient, which PML gets by averaging the gradients
 * of the loss times the number of replicas), and averages what every replica computed whole (the loss's own
 * parameters' gradients, identical already) and the batch-norm running statistics (each replica's from its own
 * shard).</li>
 * </ol>
 * Every replica adds the blocks in rank order, so all get the same floats and step their optimizers identically.
 */
final class ReplicaStep {

    private final ReplicaGroup group;
    private final long from;
    private final long to;

    /**
     * @param group     the replicas
     * @param batchRows the global batch's rows
     * @throws IllegalArgumentException when the batch has fewer rows than there are replicas
     */
    ReplicaStep(ReplicaGroup group, int batchRows) {
        if (batchRows < group.size()) {
            throw new IllegalArgumentException("a batch of " + batchRows + " rows cannot be split over "
                    + group.size() + " replicas: use a batchSize of at least the number of replicas");
        }
        this.group = group;
        this.from = (long) group.rank() * batchRows / group.size();
        this.to = (long) (group.rank() + 1) * batchRows / group.size();
    }

    /** @return the first global-batch row of this replica's shard */
    int from() {
        return (int) from;
    }

    /** @return the end (exclusive) of this replica's shard */
    int to() {
        return (int) to;
    }

    /**
     * @param batch the global batch's rows (features or gradients)
     * @return this replica's shard of them
     */
    INDArray shard(INDArray batch) {
        return batch.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }

    /**
     * @param local this replica's embeddings (its shard's rows)
     * @return the global batch's embeddings, every replica's shard in rank order
     */
    INDArray gather(INDArray local) {
        List<float[]> blocks = group.allGather(flat(local));
        long columns = local.columns();
        long rows = 0;
        for (float[] block : blocks) {
            rows += block.length / columns;
        }
        float[] all = new float[Math.toIntExact(rows * columns)];
        int at = 0;
        for (float[] block : blocks) {
            System.arraycopy(block, 0, all, at, block.length);
            at += block.length;
        }
        return Nd4j.create(all, new long[]{rows, columns}, 'c');
    }

    /**
     * Replaces, in place, each array by its sum or mean over the replicas.
     *
     * @param summed   the arrays every replica holds a part of (the network's gradients)
     * @param averaged the arrays every replica holds whole (the loss parameters' gradients, the batch-norm buffers)
     */
    void reduce(Map<String, INDArray> summed, Map<String, INDArray> averaged) {
        long summedLength = length(summed);
        float[] mine = new float[Math.toIntExact(summedLength + length(averaged))];
        int at = 0;
        for (INDArray array : summed.values()) {
            at = append(mine, at, array);
        }
        for (INDArray array : averaged.values()) {
            at = append(mine, at, array);
        }
        List<float[]> blocks = group.allGather(mine);
        float[] total = new float[mine.length];
        for (float[] block : blocks) {
            if (block.length != mine.length) {
                throw new IllegalStateException("replica blocks of " + block.length + " and " + mine.length
                        + " values: the replicas train different networks");
            }
            for (int i = 0; i < total.length; i++) {
                total[i] += block[i];
            }
        }
        for (int i = (int) summedLength; i < total.length; i++) {
            total[i] /= blocks.size();
        }
        at = 0;
        for (INDArray array : summed.values()) {
            at = assign(array, total, at);
        }
        for (INDArray array : averaged.values()) {
            at = assign(array, total, at);
        }
    }

    private static long length(Map<String, INDArray> arrays) {
        return arrays.values().stream().mapToLong(INDArray::length).sum();
    }

    private static float[] flat(INDArray array) {
        return Nd4j.toFlattened('c', array).castTo(DataType.FLOAT).toFloatVector();
    }

    private static int append(float[] into, int at, INDArray array) {
        float[] values = flat(array);
        System.arraycopy(values, 0, into, at, values.length);
        return at + values.length;
    }

    private static int assign(INDArray array, float[] from, int at) {
        int n = Math.toIntExact(array.length());
        float[] part = new float[n];
        System.arraycopy(from, at, part, 0, n);
        if (array.rank() == 0) {
            array.assign(part[0]);
        } else {
            array.assign(Nd4j.create(part, array.shape(), 'c').castTo(array.dataType()));
        }
        return at + n;
    }
}
