package org.dml4j.experiments.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Synthetic labelled float32 embeddings for benchmarks: row i is the centre of its class plus Gaussian
 * noise. Rows are drawn in Java, one block at a time into a reused buffer, and copied into one preallocated
 * matrix, so the transient memory is one block whatever the row count and the values depend only on the
 * seed.
 */
public final class ClusteredEmbeddings {
    /** Rows generated per block. */
    private static final int BLOCK = 16384;

    final INDArray rows;
    final int[] labels;

    private ClusteredEmbeddings(INDArray rows, int[] labels) {
        this.rows = rows;
        this.labels = labels;
    }

    /**
     * Random class centres with unit-variance coordinates.
     * @param classes The number of classes.
     * @param dim The dimension.
     * @param seed The seed.
     * @return {@code classes} centres of {@code dim} coordinates.
     */
    public static double[][] centres(int classes, int dim, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] centres = new double[classes][dim];
        for (double[] centre : centres) {
            for (int j = 0; j < dim; j++) {
                centre[j] = rng.nextGaussian();
            }
        }
        return centres;
    }

    /**
     * Generates rows around the given class centres, each class equally likely.
     * @param n The number of rows.
     * @param centres The class centres, shared by every set drawn from them.
     * @param noise The standard deviation of the per-coordinate noise.
     * @param seed The seed for labels and noise.
     * @return The rows (n &times; dim, float32) and their labels.
     */
    static ClusteredEmbeddings generate(int n, double[][] centres, double noise, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int dim = centres[0].length;
        int[] labels = new int[n];
        INDArray rows = Nd4j.create(DataType.FLOAT, n, dim);
        float[] buffer = new float[BLOCK * dim];
        for (int start = 0; start < n; start += BLOCK) {
            int end = Math.min(n, start + BLOCK);
            for (int i = start; i < end; i++) {
                labels[i] = rng.nextInt(centres.length);
                double[] centre = centres[labels[i]];
                int base = (i - start) * dim;
                for (int j = 0; j < dim; j++) {
                    buffer[base + j] = (float) (centre[j] + noise * rng.nextGaussian());
                }
            }
            float[] data = end - start == BLOCK ? buffer : Arrays.copyOf(buffer, (end - start) * dim);
            INDArray block = Nd4j.create(data, new long[]{end - start, dim}, 'c');
            rows.get(NDArrayIndex.interval(start, end), NDArrayIndex.all()).assign(block);
            block.close();
        }
        return new ClusteredEmbeddings(rows, labels);
    }
}
