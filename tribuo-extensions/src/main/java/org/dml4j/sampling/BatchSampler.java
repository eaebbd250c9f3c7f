package org.dml4j.sampling;

import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Plans the batches of one epoch. A sampler is stateless: all randomness comes from the generator passed in, so the
 * same labels, batch size and generator state give the same batches.
 */
public interface BatchSampler extends Configurable, Provenancable<ConfiguredObjectProvenance> {

    /**
     * Plans one epoch.
     *
     * @param labels    the class id of every example, each {@code >= 0}
     * @param batchSize the number of indices in a batch
     * @param rng       the source of randomness, advanced by the call
     * @return the batches of the epoch, in training order; each holds indices into {@code labels}
     * @throws IllegalArgumentException if the labels are empty or negative, or the batch size does not suit the
     *                                  sampler
     */
    List<int[]> epoch(int[] labels, int batchSize, SplittableRandom rng);

    @Override
    default ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "BatchSampler");
    }
}
