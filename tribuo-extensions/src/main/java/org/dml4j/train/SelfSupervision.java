package org.dml4j.train;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.dml4j.augment.Augmentation;
import org.dml4j.nn.NetworkSpec;

/**
 * Self-supervised (SimCLR-style) training, set on a {@link MetricLearningTrainer} with a
 * {@link org.dml4j.loss.SelfSupervisedLoss}: every batch is augmented twice, independently, by {@code views}; both
 * views go through the network and then the {@code projectionHead}, and the loss treats the two views of an example
 * as its only positives (Chen et al. 2020, "A Simple Framework for Contrastive Learning of Visual
 * Representations"). The projection head is trained with the network and dropped afterwards: the model embeds with
 * the network alone. Labels, when the dataset has them, are not used by training (only by validation); batches come
 * from a {@link org.dml4j.sampling.ShuffleSampler}.
 */
public final class SelfSupervision implements Configurable, Provenancable<ConfiguredObjectProvenance> {

    @Config(mandatory = true, description = "The augmentation that makes a view; applied twice, independently, to "
            + "every batch (SimCLR: random resized crop, flip, colour jitter, Gaussian blur).")
    private Augmentation views;

    @Config(description = "The projection head after the network, trained with it and dropped from the model; its "
            + "input is the network's embedding (none: the loss sees the embeddings).")
    private NetworkSpec projectionHead;

    /** For OLCUT. */
    private SelfSupervision() {
    }

    /**
     * Creates the configuration.
     *
     * @param views          the augmentation that makes each view
     * @param projectionHead the projection head, or null for none
     */
    public SelfSupervision(Augmentation views, NetworkSpec projectionHead) {
        this.views = views;
        this.projectionHead = projectionHead;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (views == null) {
            throw new PropertyException("", "views",
                    "views must be set: two identical views teach the network nothing");
        }
    }

    /** @return the augmentation that makes each view */
    public Augmentation views() {
        return views;
    }

    /** @return the projection head, or null for none */
    public NetworkSpec projectionHead() {
        return projectionHead;
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "SelfSupervision");
    }

    @Override
    public String toString() {
        return "SelfSupervision(views=" + views + ", projectionHead=" + projectionHead + ")";
    }
}
