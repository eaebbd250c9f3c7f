package org.dml4j.train;

import org.dml4j.nn.Backbone;
import org.dml4j.nn.EmbeddingNetwork;
import org.dml4j.nn.Layer;
import org.dml4j.nn.Unflatten;
import org.dml4j.nn.onnx.OnnxRuntimeFeatures;
import org.dml4j.nn.optim.ParameterGroup;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training run's {@link FineTuning} of a network with a {@link Backbone}: which parameters step with which
 * learning-rate factor, when the backbone is held frozen, and, while it is, the head's input from the cached
 * features of every training example. Without a fine-tuning configuration the whole network is one group with
 * factor 1, every step runs the whole network.
 */
final class BackboneTraining {

    private final FineTuning settings;
    private final EmbeddingNetwork network;
    private final Backbone backbone;
    /** The name prefix of the backbone's parameters in the network ({@code "<layer index>."}). */
    private final String prefix;
    /** The layers after the backbone, sharing the network's layer objects; null without fine-tuning. */
    private final EmbeddingNetwork head;
    /** The layers up to and including the backbone. */
    private final List<Layer> trunk;
    private INDArray features;

    /**
     * @param settings the fine-tuning configuration, or null for none
     * @param network  the network trained
     * @param augmented whether training batches are augmented
     * @throws IllegalArgumentException if the configuration does not fit the network
     */
    BackboneTraining(FineTuning settings, EmbeddingNetwork network, boolean augmented) {
        this.settings = settings;
        this.network = network;
        List<Layer> layers = network.layers();
        int index = -1;
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) instanceof Backbone) {
                index = i;
            }
        }
        if (settings != null && index < 0) {
            throw new IllegalArgumentException("fineTuning needs a network with a pretrained backbone (an onnx: "
                    + "network spec); the network " + network + " has none: unset fineTuning");
        }
        this.backbone = index < 0 ? null : (Backbone) layers.get(index);
        this.prefix = index + ".";
        this.trunk = index < 0 ? List.of() : layers.subList(0, index + 1);
        List<Layer> after = index < 0 ? List.of() : layers.subList(index + 1, layers.size());
        this.head = settings == null || after.isEmpty() ? null : new EmbeddingNetwork(after);
        if (settings != null) {
            check(augmented);
        }
    }

    private void check(boolean augmented) {
        if (settings.unfreezeAfterEpochs() > 0 && (head == null || head.parameters().isEmpty())) {
            throw new IllegalArgumentException("unfreezeAfterEpochs " + settings.unfreezeAfterEpochs() + " trains "
                    + "only the head at first, but the network has no trainable layer after the backbone: add an "
                    + "embedding head (onnx:PATH:embedding=E)");
        }
        if (settings.featureCache() == FineTuning.FeatureCache.NONE) {
            return;
        }
        String cache = "featureCache " + settings.featureCache();
        if (augmented) {
            throw new IllegalArgumentException(cache + " computes each example's backbone features once, but the "
                    + "training batches are augmented: unset the augmentation or the cache");
        }
        if (!backbone.fixedWhenFrozen()) {
            throw new IllegalArgumentException(cache + " needs a backbone that is a fixed function when frozen, but "
                    + "its batch normalizations use batch statistics: set freeze-bn=true (freezeBatchNorm)");
        }
        holdFrozen(1);
        boolean frozenAtFirst = backbone.frozen();
        holdFrozen(0);
        if (!frozenAtFirst) {
            throw new IllegalArgumentException(cache + " caches the features of a frozen backbone, but the backbone "
                    + "trains from the first epoch: freeze it (freeze=all) or set unfreezeAfterEpochs > 0");
        }
        if (settings.featureCache() == FineTuning.FeatureCache.ONNXRUNTIME) {
            if (!OnnxRuntimeFeatures.available()) {
                throw new IllegalArgumentException(cache + " needs onnxruntime's Java API on the class path: add "
                        + "com.microsoft.onnxruntime:onnxruntime, or use featureCache NETWORK");
            }
            if (trunk.size() != 2 || !(trunk.get(0) instanceof Unflatten)) {
                throw new IllegalArgumentException(cache + " runs the backbone on the images as they are, but the "
                        + "network has other layers before it: use featureCache NETWORK");
            }
        }
    }

    /**
     * Sets the backbone's state for an epoch: held frozen during the head-only warm-up.
     *
     * @param epoch the epoch, from 1; 0 releases the hold (after training)
     */
    void holdFrozen(int epoch) {
        if (settings != null) {
            backbone.holdFrozen(epoch >= 1 && epoch <= settings.unfreezeAfterEpochs());
        }
    }

    /** @return whether this epoch's steps train the head on cached features */
    boolean cached() {
        return settings != null && settings.featureCache() != FineTuning.FeatureCache.NONE && backbone.frozen();
    }

    /**
     * The rows a step's batch is gathered from: the training features, or while {@link #cached()} the backbone's
     * features of them, computed on first use.
     *
     * @param train     the training features
     * @param blockSize the rows per forward pass of the cache's computation
     * @return the rows
     */
    INDArray inputs(INDArray train, int blockSize) {
        if (!cached()) {
            return train;
        }
        if (features == null) {
            features = settings.featureCache() == FineTuning.FeatureCache.ONNXRUNTIME
                    ? OnnxRuntimeFeatures.compute(backbone.onnxModel(), train, blockSize, 1)
                    : new EmbeddingNetwork(trunk).embedInBlocks(train, blockSize);
        }
        return features;
    }

    /** @return the layers a step runs: the head alone while {@link #cached()}, else the whole network */
    EmbeddingNetwork stepNetwork() {
        return cached() ? head : network;
    }

    /**
     * The network's parameters as groups: the backbone's with its factor, the rest with 1.
     *
     * @param epoch   the epoch, from 1
     * @param batch   the batch, from 0
     * @param batches the batches of the epoch
     * @return the groups (one without fine-tuning)
     */
    List<ParameterGroup> groups(int epoch, int batch, int batches) {
        Map<String, INDArray> parameters = network.parameters();
        Map<String, INDArray> gradients = network.gradients();
        if (settings == null) {
            return List.of(new ParameterGroup(parameters, gradients, 1.0));
        }
        Map<String, INDArray> trunkParameters = new LinkedHashMap<>();
        Map<String, INDArray> headParameters = new LinkedHashMap<>();
        parameters.forEach((name, value) -> (name.startsWith(prefix) ? trunkParameters : headParameters)
                .put(name, value));
        List<ParameterGroup> groups = new ArrayList<>();
        groups.add(new ParameterGroup(headParameters, gradients, 1.0));
        if (!trunkParameters.isEmpty()) {
            groups.add(new ParameterGroup(trunkParameters, gradients,
                    settings.backboneFactor(epoch, batch, batches)));
        }
        return groups;
    }
}
