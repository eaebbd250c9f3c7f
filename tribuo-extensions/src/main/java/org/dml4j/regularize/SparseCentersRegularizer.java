package org.dml4j.regularize;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.nd.HostArrays;
import org.dml4j.reduce.DivisorReducer;
import org.dml4j.reduce.LossTerms;
import org.dml4j.reduce.Reducer;

/**
 * Pulls the centers of one class together (PML's {@code SparseCentersRegularizer}, from the SoftTriple paper, Qian
 * et al. 2019): the rows are {@code numClasses} blocks of {@code centersPerClass} centers; for every pair
 * {@code i < j} of centers of the same class the term is {@code sqrt(2 - min(2 cos(w_i, w_j), 2))}, and the
 * default reducer divides their sum by twice the number of pairs (PML's divisor).
 */
public final class SparseCentersRegularizer extends AbstractRegularizer {

    @Config(mandatory = true, description = "The number of classes.")
    private int numClasses;

    @Config(mandatory = true, description = "The centers of each class, > 1.")
    private int centersPerClass;

    private final CosineSimilarity cosine = new CosineSimilarity();

    private SparseCentersRegularizer() {
        // For OLCUT.
        this.reducer = new DivisorReducer();
    }

    /**
     * Creates the regularizer with PML's default reducer (the divisor).
     *
     * @param numClasses      the number of classes
     * @param centersPerClass the centers of each class
     */
    public SparseCentersRegularizer(int numClasses, int centersPerClass) {
        this(numClasses, centersPerClass, new DivisorReducer());
    }

    /**
     * Creates the regularizer.
     *
     * @param numClasses      the number of classes
     * @param centersPerClass the centers of each class
     * @param reducer         the reducer of the per-pair terms
     */
    public SparseCentersRegularizer(int numClasses, int centersPerClass, Reducer reducer) {
        this.numClasses = numClasses;
        this.centersPerClass = centersPerClass;
        this.reducer = reducer;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (numClasses < 1) {
            throw new PropertyException("", "numClasses", "numClasses must be >= 1, found " + numClasses);
        }
        if (centersPerClass < 2) {
            throw new PropertyException("", "centersPerClass", "centersPerClass must be > 1, found "
                    + centersPerClass);
        }
    }

    @Override
    protected Terms terms(double[] x, int rows, int dim) {
        if (rows != numClasses * centersPerClass) {
            throw new IllegalArgumentException("SparseCentersRegularizer expects numClasses x centersPerClass = "
                    + numClasses + " x " + centersPerClass + " rows, found " + rows);
        }
        PairwiseMatrix m = cosine.pairwise(HostArrays.float64(x, rows, dim));
        int pairs = numClasses * centersPerClass * (centersPerClass - 1) / 2;
        int[] first = new int[pairs];
        int[] second = new int[pairs];
        double[] values = new double[pairs];
        int k = 0;
        for (int i = 0; i < rows; i++) {
            int blockEnd = (i / centersPerClass + 1) * centersPerClass;
            for (int j = i + 1; j < blockEnd; j++) {
                first[k] = i;
                second[k] = j;
                values[k++] = Math.sqrt(2 - Math.min(2 * m.get(i, j), 2));
            }
        }
        return new Terms() {
            @Override
            public LossTerms terms() {
                int[] anchors = new int[pairs];
                for (int p = 0; p < pairs; p++) {
                    anchors[p] = p;
                }
                return LossTerms.of(values, anchors, pairs).withDivisor(2.0 * pairs);
            }

            /** d term / d cos = -1 / term below the clamp (PyTorch passes the gradient at the clamp too). */
            @Override
            public double[] backward(double[] weights) {
                double[] gradient = m.newGradient();
                for (int p = 0; p < pairs; p++) {
                    if (2 * m.get(first[p], second[p]) <= 2) {
                        gradient[first[p] * rows + second[p]] -= weights[p] / values[p];
                    }
                }
                return HostArrays.doubles(m.backward(gradient).queries());
            }
        };
    }

    @Override
    public String toString() {
        return "SparseCentersRegularizer(numClasses=" + numClasses + ", centersPerClass=" + centersPerClass
                + ", reducer=" + reducer + ")";
    }
}
