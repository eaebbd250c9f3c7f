package org.dml4j.index;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Checks the rows given to an index and reads them as float32 Java arrays, one block at a time, so the transient
 * copy is one block whatever the row count.
 */
final class IndexRows {
    private static final int BLOCK = 8192;

    private IndexRows() {
    }

    /** Receives one row; the array is reused for the next row, so copy what must be kept. */
    interface RowSink {
        void accept(int row, float[] values);
    }

    /**
     * Checks that {@code rows} is a matrix of the index's width with finite values, and hands each row to the
     * sink (in order, converted to float32).
     * @param what What the rows are, for messages ("query", "reference").
     * @param rows The rows.
     * @param dimension The required width.
     * @param sink Receives every row, or null to only check.
     * @throws IllegalArgumentException naming the first offending row.
     */
    static void read(String what, INDArray rows, int dimension, RowSink sink) {
        if (rows == null || rows.rank() != 2) {
            throw new IllegalArgumentException("the " + what + " rows must be a matrix (rank 2), found "
                    + (rows == null ? "null" : "rank " + rows.rank()));
        }
        if (rows.columns() != dimension) {
            throw new IllegalArgumentException("the " + what + " rows are " + rows.columns()
                    + " wide but the index holds embeddings of width " + dimension
                    + "; embed them with the model the index was built for");
        }
        if (rows.rows() == 0) {
            return;
        }
        float[] row = new float[dimension];
        for (int start = 0; start < rows.rows(); start += BLOCK) {
            int end = Math.min(rows.rows(), start + BLOCK);
            INDArray block = rows.get(NDArrayIndex.interval(start, end), NDArrayIndex.all());
            float[] values = block.castTo(DataType.FLOAT).dup('c').data().asFloat();
            for (int i = start; i < end; i++) {
                System.arraycopy(values, (i - start) * dimension, row, 0, dimension);
                for (int j = 0; j < dimension; j++) {
                    if (!Float.isFinite(row[j])) {
                        throw new IllegalArgumentException(what + " row " + i + " has a non-finite value ("
                                + row[j] + " in column " + j + "); NaN or infinite embeddings cannot be ranked. "
                                + "Check the input features and the model");
                    }
                }
                if (sink != null) {
                    sink.accept(i, row);
                }
            }
        }
    }

    /**
     * Checks k.
     * @param k The number of neighbours.
     */
    static void checkK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, found " + k);
        }
    }
}
