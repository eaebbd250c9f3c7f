package org.dml4j.regularize;

import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A penalty on the rows of a matrix (embeddings, or a loss's class vectors), reduced to one value by the
 * regularizer's reducer, as PML's {@code BaseRegularizer}.
 */
public interface Regularizer extends Configurable, Provenancable<ConfiguredObjectProvenance> {

    /**
     * Computes the penalty and its gradient.
     *
     * @param rows an N × d matrix (float32 or float64)
     * @return the value and dValue/d(rows), in the rows' data type
     */
    Regularization compute(INDArray rows);

    /**
     * The value of a regularizer and its gradient.
     *
     * @param value    the reduced penalty
     * @param gradient d value / d rows, N × d
     */
    record Regularization(double value, INDArray gradient) {
    }
}
