package org.dml4j.regularize;

import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.nd.HostArrays;
import org.dml4j.reduce.LossTerms;
import org.dml4j.reduce.Reducer;

/**
 * Each row's cosine similarity to its most similar other row (PML's {@code RegularFaceRegularizer}, from Zhao et al.
 * 2019 "RegularFace"; mean over rows): spreads the class vectors apart. The nearest row is chosen without gradient
 * (ties: the lowest index), as in PML. Meant as a weight regularizer; needs at least two rows.
 */
public final class RegularFaceRegularizer extends AbstractRegularizer {

    private final CosineSimilarity cosine = new CosineSimilarity();

    /** Creates the regularizer with PML's default reducer (mean). */
    public RegularFaceRegularizer() {
    }

    /**
     * Creates the regularizer.
     *
     * @param reducer the reducer of the per-row terms
     */
    public RegularFaceRegularizer(Reducer reducer) {
        this.reducer = reducer;
    }

    @Override
    protected Terms terms(double[] x, int rows, int dim) {
        if (rows < 2) {
            throw new IllegalArgumentException("RegularFaceRegularizer needs at least two rows (classes), found "
                    + rows);
        }
        PairwiseMatrix m = cosine.pairwise(HostArrays.float64(x, rows, dim));
        int[] nearest = new int[rows];
        double[] values = new double[rows];
        for (int i = 0; i < rows; i++) {
            nearest[i] = -1;
            for (int j = 0; j < rows; j++) {
                if (j != i && (nearest[i] < 0 || m.get(i, j) > m.get(i, nearest[i]))) {
                    nearest[i] = j;
                }
            }
            values[i] = m.get(i, nearest[i]);
        }
        return new Terms() {
            @Override
            public LossTerms terms() {
                return LossTerms.perElement(values);
            }

            @Override
            public double[] backward(double[] weights) {
                double[] gradient = m.newGradient();
                for (int i = 0; i < rows; i++) {
                    gradient[i * rows + nearest[i]] += weights[i];
                }
                return HostArrays.doubles(m.backward(gradient).queries());
            }
        };
    }

    @Override
    public String toString() {
        return "RegularFaceRegularizer(reducer=" + reducer + ")";
    }
}
