package org.dml4j.train;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;

/**
 * How a {@link MetricLearningTrainer} trains a network with a pretrained {@link org.dml4j.nn.Backbone} (an imported
 * ONNX trunk, {@code onnx:} network spec) and the head after it, as PyTorch users fine-tune a torchvision trunk:
 * <ul>
 *     <li>parameter groups: the backbone's parameters step with the learning rate times
 *     {@code backboneLearningRateMultiplier}, the head's with the learning rate, the loss's (proxies) with the
 *     trainer's {@code lossLearningRateMultiplier};</li>
 *     <li>a warm-up: for the first {@code unfreezeAfterEpochs} epochs the whole backbone is frozen and only the head
 *     trains; then the backbone trains (as far as the network spec's own {@code freeze} allows), its learning rate
 *     rising linearly from 0 over {@code backboneWarmupEpochs} epochs (step by step);</li>
 *     <li>cached features: while the whole backbone is frozen, {@code featureCache} computes its features of every
 *     training example once (by DML4J's own inference pass, or by onnxruntime from the backbone's current weights)
 *     and trains the head on them, skipping the backbone's forward pass in every step. This needs a backbone that is
 *     a fixed function when frozen (its batch normalizations frozen, {@code freeze-bn}) and no augmentation, and
 *     gives the same training as without the cache.</li>
 * </ul>
 * Frozen backbone parameters are never stepped: they are bit-identical after training.
 */
public final class FineTuning implements Configurable, Provenancable<ConfiguredObjectProvenance> {

    /** Where the features of a frozen backbone come from. */
    public enum FeatureCache {
        /** No cache: every step runs the backbone's forward pass. */
        NONE,
        /** Computed once by DML4J's own inference pass over the backbone. */
        NETWORK,
        /**
         * Computed once by onnxruntime's Java API from the backbone's current weights (needs
         * {@code com.microsoft.onnxruntime:onnxruntime} on the class path).
         */
        ONNXRUNTIME
    }

    @Config(description = "The learning-rate multiplier of the backbone's parameters (the head's is 1), e.g. 0.1 to "
            + "fine-tune the pretrained trunk ten times slower than the new head.")
    private double backboneLearningRateMultiplier = 1.0;

    @Config(description = "Train only the head, the whole backbone frozen, for this many epochs before the "
            + "backbone trains (0: from the first epoch).")
    private int unfreezeAfterEpochs = 0;

    @Config(description = "Once the backbone trains, raise its learning rate linearly from 0 to its full value over "
            + "this many epochs (0: at once).")
    private int backboneWarmupEpochs = 0;

    @Config(description = "While the whole backbone is frozen, compute its features once and train the head on "
            + "them: NONE, NETWORK (DML4J's own forward pass) or ONNXRUNTIME.")
    private FeatureCache featureCache = FeatureCache.NONE;

    /** For OLCUT. */
    private FineTuning() {
    }

    /**
     * Creates the configuration.
     *
     * @param backboneLearningRateMultiplier the backbone's learning-rate multiplier, {@code > 0}
     * @param unfreezeAfterEpochs            the head-only warm-up epochs, {@code >= 0}
     * @param backboneWarmupEpochs           the epochs of the backbone's learning-rate ramp, {@code >= 0}
     * @param featureCache                   where a frozen backbone's features come from
     */
    public FineTuning(double backboneLearningRateMultiplier, int unfreezeAfterEpochs, int backboneWarmupEpochs,
                      FeatureCache featureCache) {
        this.backboneLearningRateMultiplier = backboneLearningRateMultiplier;
        this.unfreezeAfterEpochs = unfreezeAfterEpochs;
        this.backboneWarmupEpochs = backboneWarmupEpochs;
        this.featureCache = featureCache;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (!(backboneLearningRateMultiplier > 0) || Double.isInfinite(backboneLearningRateMultiplier)) {
            throw new PropertyException("", "backboneLearningRateMultiplier", "backboneLearningRateMultiplier must "
                    + "be positive and finite (freeze the backbone instead of a 0 rate), found "
                    + backboneLearningRateMultiplier);
        }
        if (unfreezeAfterEpochs < 0) {
            throw new PropertyException("", "unfreezeAfterEpochs", "unfreezeAfterEpochs must be >= 0, found "
                    + unfreezeAfterEpochs);
        }
        if (backboneWarmupEpochs < 0) {
            throw new PropertyException("", "backboneWarmupEpochs", "backboneWarmupEpochs must be >= 0, found "
                    + backboneWarmupEpochs);
        }
        if (featureCache == null) {
            throw new PropertyException("", "featureCache", "featureCache must be set (NONE for no cache)");
        }
    }

    /** @return the backbone's learning-rate multiplier */
    public double backboneLearningRateMultiplier() {
        return backboneLearningRateMultiplier;
    }

    /** @return the head-only warm-up epochs */
    public int unfreezeAfterEpochs() {
        return unfreezeAfterEpochs;
    }

    /** @return the epochs of the backbone's learning-rate ramp after it starts training */
    public int backboneWarmupEpochs() {
        return backboneWarmupEpochs;
    }

    /** @return where a frozen backbone's features come from */
    public FeatureCache featureCache() {
        return featureCache;
    }

    /**
     * The backbone's learning-rate factor at a step: its multiplier, times the warm-up ramp's fraction.
     *
     * @param epoch   the epoch, from 1 (after the head-only warm-up)
     * @param batch   the batch in the epoch, from 0
     * @param batches the epoch's number of batches
     * @return the factor, {@code > 0}
     */
    double backboneFactor(int epoch, int batch, int batches) {
        if (backboneWarmupEpochs == 0) {
            return backboneLearningRateMultiplier;
        }
        double trained = epoch - unfreezeAfterEpochs - 1 + (batch + 1.0) / batches;
        return backboneLearningRateMultiplier * Math.min(1, trained / backboneWarmupEpochs);
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "FineTuning");
    }

    @Override
    public String toString() {
        return "FineTuning(backboneLearningRateMultiplier=" + backboneLearningRateMultiplier + ", unfreezeAfterEpochs="
                + unfreezeAfterEpochs + ", backboneWarmupEpochs=" + backboneWarmupEpochs + ", featureCache="
                + featureCache + ")";
    }
}
