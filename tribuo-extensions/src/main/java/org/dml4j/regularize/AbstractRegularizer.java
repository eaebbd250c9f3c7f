package org.dml4j.regularize;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.dml4j.nd.HostArrays;
import org.dml4j.reduce.LossTerms;
import org.dml4j.reduce.MeanReducer;
import org.dml4j.reduce.Reducer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The shared structure of the regularizers: the rows as a row-major float64 array, the terms a subclass computes
 * from them, the reducer (PML default: mean) and the backward pass from the reducer's term weights. As in PML, the
 * reducer sees row {@code i}'s label as {@code i} (PML passes {@code arange(N)} as the labels), so a
 * {@link org.dml4j.reduce.ClassWeightedReducer} weighs rows by index.
 */
abstract class AbstractRegularizer implements Regularizer {

    @Config(description = "The reducer that turns the regularizer's terms into one value.")
    protected Reducer reducer = new MeanReducer();

    /** The terms of one computation and their backward pass. */
    protected interface Terms {
        /** @return the terms (anchors are row or pair indices) */
        LossTerms terms();

        /**
         * @param weights d value / d term, one per term
         * @return d value / d rows, row-major N × d
         */
        double[] backward(double[] weights);
    }

    /**
     * Computes the terms of a matrix.
     *
     * @param x    the rows, row-major
     * @param rows N
     * @param dim  d
     * @return the terms and their backward pass
     */
    protected abstract Terms terms(double[] x, int rows, int dim);

    @Override
    public final Regularization compute(INDArray matrix) {
        if (matrix.rank() != 2 || matrix.rows() == 0) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " needs a non-empty matrix (one row per "
                    + "embedding or class vector), found shape " + java.util.Arrays.toString(matrix.shape()));
        }
        int rows = matrix.rows();
        int dim = matrix.columns();
        Terms t = terms(HostArrays.doubles(matrix), rows, dim);
        LossTerms terms = t.terms();
        int[] rowLabels = new int[terms.numAnchors()];
        for (int i = 0; i < rowLabels.length; i++) {
            rowLabels[i] = i;
        }
        double[] weights = new double[terms.size()];
        double value = reducer.reduce(terms.withLabels(rowLabels), weights);
        return new Regularization(value, HostArrays.create(t.backward(weights), matrix.dataType(), rows, dim));
    }

    /** @return the reducer */
    public Reducer reducer() {
        return reducer;
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "Regularizer");
    }
}
