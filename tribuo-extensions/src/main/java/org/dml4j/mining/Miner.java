package org.dml4j.mining;

import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Selects index tuples from a batch of embeddings. Miners never contribute to the gradient: their output is a
 * constant for the loss.
 */
public interface Miner extends Configurable, Provenancable<ConfiguredObjectProvenance> {

    /**
     * Mines a batch.
     *
     * @param embeddings the batch, B × d
     * @param labels     the B labels
     * @return the selected tuples (possibly empty)
     */
    IndexTuples mine(INDArray embeddings, int[] labels);
}
