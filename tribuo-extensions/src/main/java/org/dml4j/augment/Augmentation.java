package org.dml4j.augment;

import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.SplittableRandom;

/** A random transformation of every row of a batch, drawn independently per row from a seeded generator. */
public interface Augmentation extends Configurable, Provenancable<ConfiguredObjectProvenance> {

    /**
     * Augments a batch.
     *
     * @param batch the {@code B × F} rows; not modified
     * @param rng   the source of randomness, advanced by the call
     * @return a new {@code B × F} array of the same data type
     * @throws IllegalArgumentException if the batch does not have the shape the augmentation expects
     */
    INDArray apply(INDArray batch, SplittableRandom rng);

    @Override
    default ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "Augmentation");
    }
}
