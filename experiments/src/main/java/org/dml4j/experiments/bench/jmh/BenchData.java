package org.dml4j.experiments.bench.jmh;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

/** The inputs of the micro-benchmarks: seeded N(0, 1) embeddings and labels in blocks of one class, as a sampler's. */
final class BenchData {

    /** The embedding dimension of every benchmark. */
    static final int DIM = 128;
    /** Rows per class in a batch (the reference protocol's M per class). */
    static final int PER_CLASS = 32;

    private BenchData() {
    }

    /**
     * A float32 matrix of independent N(0, 1) values.
     *
     * @param rows the number of rows
     * @param cols the number of columns
     * @param seed the seed
     * @return the rows × cols matrix, c order
     */
    static INDArray gaussian(int rows, int cols, long seed) {
        Random random = new Random(seed);
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return Nd4j.create(values, new long[]{rows, cols}, 'c');
    }

    /**
     * Labels 0, 0, ..., 1, 1, ...: {@link #PER_CLASS} consecutive rows per class.
     *
     * @param rows the number of rows, a multiple of {@link #PER_CLASS}
     * @return the labels
     */
    static int[] blockLabels(int rows) {
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = i / PER_CLASS;
        }
        return labels;
    }

    /**
     * An upstream gradient dL/dM with N(0, 1) entries, for the backward passes of a rows × cols pairwise matrix.
     *
     * @param rows the matrix's rows
     * @param cols the matrix's columns
     * @param seed the seed
     * @return the row-major gradient
     */
    static double[] upstreamGradient(int rows, int cols, long seed) {
        Random random = new Random(seed);
        double[] gradient = new double[rows * cols];
        for (int i = 0; i < gradient.length; i++) {
            gradient[i] = random.nextGaussian();
        }
        return gradient;
    }
}
