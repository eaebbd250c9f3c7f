package org.dml4j.mining;

import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * For a batch laid out as consecutive triplets (rows 0, 1, 2 are anchor, positive, negative, then rows 3, 4, 5, ...),
 * those triplets (PML's {@code EmbeddingsAlreadyPackagedAsTriplets}); the labels are not looked at. Use it with a
 * sampler that emits triplets, such as {@link org.dml4j.sampling.FixedSetOfTriplets}.
 */
public final class EmbeddingsAlreadyPackagedAsTriplets implements Miner {

    /** Creates the miner. */
    public EmbeddingsAlreadyPackagedAsTriplets() {
    }

    @Override
    public TripletTuples mine(INDArray embeddings, int[] labels) {
        long rows = embeddings.rows();
        if (rows % 3 != 0) {
            throw new IllegalArgumentException("EmbeddingsAlreadyPackagedAsTriplets needs a batch of whole triplets, "
                    + "found " + rows + " rows; use a batch size that is a multiple of 3");
        }
        int count = (int) (rows / 3);
        int[] a = new int[count];
        int[] p = new int[count];
        int[] n = new int[count];
        for (int k = 0; k < count; k++) {
            a[k] = 3 * k;
            p[k] = 3 * k + 1;
            n[k] = 3 * k + 2;
        }
        return new TripletTuples(a, p, n);
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "Miner");
    }

    @Override
    public String toString() {
        return "EmbeddingsAlreadyPackagedAsTriplets()";
    }
}
