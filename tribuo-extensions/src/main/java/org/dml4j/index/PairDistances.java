package org.dml4j.index;

import org.dml4j.nd.Rows;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * The {@link KnnDistance} between the two rows of each listed pair, computed in blocks of pairs.
 * <p>
 * Values are those {@link ExactKnn} ranks by (squared Euclidean for {@link KnnDistance#SQUARED_EUCLIDEAN},
 * so a threshold calibrated on these values applies to {@link KnnResult} distances), but computed directly
 * as {@code sum((a-b)^2)}, {@code 1 - cos} or {@code -a.b} rather than through matrix products. Memory is
 * O(block &times; d) beyond the output.
 */
public final class PairDistances {
    /** Pairs per block. */
    private static final int BLOCK = 16384;

    private PairDistances() {
    }

    /**
     * Computes the distance of every pair {@code (first[p], second[p])}.
     * @param embeddings The rows (n&times;d), float32 or float64; float32 is computed in float32.
     * @param first The first row of every pair, in [0, n).
     * @param second The second row of every pair, in [0, n), same length as {@code first}.
     * @param distance The distance.
     * @return One distance per pair.
     */
    public static double[] compute(INDArray embeddings, int[] first, int[] second, KnnDistance distance) {
        if (embeddings == null || embeddings.rank() != 2 || !embeddings.dataType().isFPType()) {
            throw new IllegalArgumentException("embeddings must be a floating-point rank-2 matrix, found "
                    + (embeddings == null ? "null" : embeddings.dataType() + " of rank " + embeddings.rank()));
        }
        if (first == null || second == null || first.length != second.length) {
            throw new IllegalArgumentException("first and second must be non-null and of equal length");
        }
        if (distance == null) {
            throw new IllegalArgumentException("distance must not be null");
        }
        checkRows("first", first, embeddings.rows());
        checkRows("second", second, embeddings.rows());
        INDArray rows = distance == KnnDistance.COSINE ? DistanceTiles.normalizeRows(embeddings) : embeddings;
        double[] out = new double[first.length];
        for (int from = 0; from < first.length; from += BLOCK) {
            int to = Math.min(first.length, from + BLOCK);
            INDArray a = Rows.gather(rows, Arrays.copyOfRange(first, from, to));
            INDArray b = Rows.gather(rows, Arrays.copyOfRange(second, from, to));
            INDArray values = distance == KnnDistance.SQUARED_EUCLIDEAN
                    ? a.subi(b).muli(a).sum(1) : a.muli(b).sum(1);
            double[] block = values.castTo(DataType.DOUBLE).toDoubleVector();
            for (int p = 0; p < block.length; p++) {
                out[from + p] = distance == KnnDistance.COSINE ? 1.0 - block[p]
                        : distance == KnnDistance.DOT ? -block[p] : block[p];
            }
        }
        return out;
    }

    private static void checkRows(String name, int[] indices, int n) {
        for (int p = 0; p < indices.length; p++) {
            if (indices[p] < 0 || indices[p] >= n) {
                throw new IllegalArgumentException(name + "[" + p + "] = " + indices[p]
                        + " is not a row index of the " + n + " embeddings");
            }
        }
    }
}
