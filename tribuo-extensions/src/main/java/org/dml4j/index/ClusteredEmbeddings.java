package org.dml4j.index;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.SplittableRandom;

/**
 * Synthetic labelled float32 embeddings for benchmarks: row i is the centre of its class plus Gaussian
 * noise, generated block by block into one preallocated matrix so that the transient memory stays at one
 * block whatever the row count.
 */
final class ClusteredEmbeddings {
    /** Rows generated per block. */
    private static final int BLOCK = 65536;

    final INDArray rows;
    final int[] labels;

    private ClusteredEmbeddings(INDArray rows, int[] labels) {
        this.rows = rows;
        this.labels = labels;
    }

    /**
     * Generates rows around random unit-variance class centres.
     * @param n The number of rows.
     * @param dim The embedding dimension.
     * @param centres The class centres (classes &times; dim, float32), shared by every set drawn from them.
     * @param noise The standard deviation of the per-row noise.
     * @param seed The seed for labels and noise.
     */
    static ClusteredEmbeddings generate(int n, int dim, INDArray centres, double noise, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rng.nextInt(centres.rows());
        }
        INDArray rows = Nd4j.create(DataType.FLOAT, n, dim);
        Nd4j.getRandom().setSeed(rng.nextLong());
        for (int start = 0; start < n; start += BLOCK) {
            int end = Math.min(n, start + BLOCK);
            int[] blockLabels = java.util.Arrays.copyOfRange(labels, start, end);
            INDArray block = Nd4j.randn(DataType.FLOAT, end - start, dim).muli(noise)
                    .addi(centres.getRows(blockLabels));
            rows.get(NDArrayIndex.interval(start, end), NDArrayIndex.all()).assign(block);
        }
        return new ClusteredEmbeddings(rows, labels);
    }

    /**
     * Random class centres with unit-variance coordinates.
     * @param classes The number of classes.
     * @param dim The dimension.
     * @param seed The seed.
     * @return A classes &times; dim float32 matrix.
     */
    static INDArray centres(int classes, int dim, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.FLOAT, classes, dim);
    }
}
