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

    /**
     * Whether the miner can mine queries against a separate reference set
     * ({@link #mine(INDArray, int[], INDArray, int[])}).
     *
     * @return true if it can
     */
    default boolean acceptsReferences() {
        return false;
    }

    /**
     * Mines queries against a reference set, as PML's {@code miner(embeddings, labels, ref_emb, ref_labels)}: every
     * tuple's anchor is a query row and its other members are reference rows. No pair is left out as a self
     * comparison (a reference that is a copy of its query is a positive), as in PML.
     *
     * @param queries         the queries, B × d
     * @param queryLabels     their B labels
     * @param references      the references, N × d
     * @param referenceLabels their N labels
     * @return the selected tuples, anchors indexing the queries and the other members the references
     * @throws UnsupportedOperationException if the miner does not take a reference set ({@link #acceptsReferences()})
     */
    default IndexTuples mine(INDArray queries, int[] queryLabels, INDArray references, int[] referenceLabels) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not mine against a reference set;"
                + " use a miner whose acceptsReferences() is true (triplet margin, batch-hard, multi-similarity,"
                + " pair-margin, distance-weighted)");
    }
}
