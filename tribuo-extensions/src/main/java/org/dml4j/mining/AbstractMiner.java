package org.dml4j.mining;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.dml4j.distance.Distance;
import org.dml4j.distance.LpDistance;
import org.dml4j.distance.PairwiseMatrix;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The distance every miner measures with, its provenance, and the input checks. */
abstract class AbstractMiner implements Miner {

    @Config(description = "The distance the miner compares tuples with.")
    protected Distance distance = new LpDistance();

    /**
     * The pairwise matrix of a batch, after checking that the labels fit it.
     *
     * @param embeddings the batch
     * @param labels     its labels
     * @return the B × B matrix
     */
    protected PairwiseMatrix matrix(INDArray embeddings, int[] labels) {
        if (embeddings.rows() != labels.length) {
            throw new IllegalArgumentException("the batch has " + embeddings.rows() + " embeddings but "
                    + labels.length + " labels");
        }
        return distance.pairwise(embeddings);
    }

    /** @return the distance the miner compares with */
    public Distance distance() {
        return distance;
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "Miner");
    }
}
