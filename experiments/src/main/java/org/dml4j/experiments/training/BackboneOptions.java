package org.dml4j.experiments.training;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.experiments.io.UserError;
import org.dml4j.nn.NetworkSpec;
import org.dml4j.nn.NetworkSpecs;
import org.dml4j.nn.onnx.OnnxNetworkSpec;
import org.dml4j.train.FineTuning;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code train --backbone model.onnx}: transfer learning from a pretrained ONNX trunk ({@link OnnxNetworkSpec}, the
 * same network as {@code --network onnx:PATH[:embedding=E,freeze=...,freeze-bn=true]}) and how it is fine-tuned
 * ({@link FineTuning}): parameter groups with their own learning rates, a head-only warm-up, cached features of a
 * frozen trunk.
 */
public final class BackboneOptions {

    /** The default of {@code --network}. */
    static final String DEFAULT_NETWORK = "mlp:512,128";

    @Option(names = "--backbone", paramLabel = "MODEL.onnx", description = "Fine-tune this pretrained ONNX vision "
            + "model (one [batch, C, H, W] input; exported from PyTorch or a model zoo) with a new --embedding-size "
            + "head: the same network as --network onnx:MODEL.onnx[:embedding=E,freeze=...,freeze-bn=true].")
    Path backbone;

    @Option(names = "--embedding-size", paramLabel = "E", description = "--backbone: the width of the linear "
            + "embedding head after the backbone (0: none, the backbone's output is the embedding). Default: 0.")
    int embeddingSize;

    @Option(names = "--freeze", paramLabel = "none|all|N", description = "--backbone: the layers left untrained: "
            + "none, all (only the head trains) or the first N layers with parameters. Default: none.")
    String freeze;

    @Option(names = "--freeze-bn", description = "--backbone: frozen layers' batch normalizations (the whole "
            + "backbone's during --unfreeze-after-epochs) use and keep their running statistics, as in inference.")
    boolean freezeBatchNorm;

    @Option(names = "--backbone-lr-multiplier", defaultValue = "1", paramLabel = "X", description = "The backbone's "
            + "learning rate is --lr times X (the head's is --lr), e.g. 0.1. Default: ${DEFAULT-VALUE}.")
    double backboneMultiplier;

    @Option(names = "--loss-lr-multiplier", defaultValue = "1", paramLabel = "X", description = "The loss's own "
            + "parameters (proxies, class weights) learn at --lr times X, e.g. 100 for proxy-anchor. "
            + "Default: ${DEFAULT-VALUE}.")
    double lossMultiplier;

    @Option(names = "--unfreeze-after-epochs", defaultValue = "0", paramLabel = "W", description = "Train only the "
            + "head, the whole backbone frozen, for W epochs; then the backbone trains too. Default: "
            + "${DEFAULT-VALUE}.")
    int unfreezeAfterEpochs;

    @Option(names = "--backbone-warmup-epochs", defaultValue = "0", paramLabel = "E", description = "Once the "
            + "backbone trains, raise its learning rate linearly from 0 over E epochs. Default: ${DEFAULT-VALUE}.")
    int backboneWarmupEpochs;

    @Option(names = "--feature-cache", defaultValue = "none", paramLabel = "none|network|onnxruntime",
            description = "While the whole backbone is frozen (--freeze all, or --unfreeze-after-epochs), compute its "
                    + "features of the training images once, by DML4J (network) or onnxruntime, and train the head "
                    + "on them; needs --freeze-bn and no augmentation. Default: ${DEFAULT-VALUE}.")
    String featureCache;

    /**
     * The network: {@code --backbone}'s, else {@code --network}'s.
     *
     * @param network the {@code --network} value, or null when not given
     * @return the spec
     * @throws UserError if the options conflict or the spec is wrong
     */
    NetworkSpec networkSpec(String network) {
        if (backbone == null) {
            List<String> orphans = new ArrayList<>();
            if (embeddingSize != 0) {
                orphans.add("--embedding-size");
            }
            if (freeze != null) {
                orphans.add("--freeze");
            }
            if (freezeBatchNorm) {
                orphans.add("--freeze-bn");
            }
            if (!orphans.isEmpty()) {
                throw new UserError(String.join(", ", orphans) + " configure --backbone MODEL.onnx; with --network "
                        + "onnx:... write them as its options (embedding=E,freeze=...,freeze-bn=true).");
            }
        } else if (network != null) {
            throw new UserError("--backbone " + backbone + " and --network " + network + " both name the network: "
                    + "give one.");
        }
        try {
            if (backbone == null) {
                return NetworkSpecs.parse(network == null ? DEFAULT_NETWORK : network);
            }
            return new OnnxNetworkSpec(backbone.toString(), embeddingSize, true,
                    freeze == null ? OnnxNetworkSpec.NONE : freeze.toLowerCase(Locale.ROOT), freezeBatchNorm);
        } catch (IllegalArgumentException | PropertyException e) {
            throw new UserError((backbone == null ? "--network " + network : "--backbone " + backbone) + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * The fine-tuning configuration of the flags.
     *
     * @param spec the network
     * @return the configuration, or null when every flag is at its default
     * @throws UserError if a flag is out of range or the network has no backbone
     */
    FineTuning fineTuning(NetworkSpec spec) {
        FineTuning.FeatureCache cache;
        try {
            cache = FineTuning.FeatureCache.valueOf(featureCache.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserError("--feature-cache must be none, network or onnxruntime, found '" + featureCache
                    + "'", e);
        }
        if (backboneMultiplier == 1 && unfreezeAfterEpochs == 0 && backboneWarmupEpochs == 0
                && cache == FineTuning.FeatureCache.NONE) {
            return null;
        }
        if (!(spec instanceof OnnxNetworkSpec)) {
            throw new UserError("--backbone-lr-multiplier, --unfreeze-after-epochs, --backbone-warmup-epochs and "
                    + "--feature-cache fine-tune a pretrained backbone: give --backbone MODEL.onnx (the network is "
                    + spec + ").");
        }
        try {
            return new FineTuning(backboneMultiplier, unfreezeAfterEpochs, backboneWarmupEpochs, cache);
        } catch (PropertyException e) {
            throw new UserError(flag(e.getMessage()), e);
        }
    }

    /** A {@link FineTuning} field's message in terms of the flag. */
    private static String flag(String message) {
        return message.replace("backboneLearningRateMultiplier", "--backbone-lr-multiplier")
                .replace("unfreezeAfterEpochs", "--unfreeze-after-epochs")
                .replace("backboneWarmupEpochs", "--backbone-warmup-epochs");
    }

    /** @return {@code --loss-lr-multiplier} */
    double lossMultiplier() {
        if (!(lossMultiplier > 0) || Double.isInfinite(lossMultiplier)) {
            throw new UserError("--loss-lr-multiplier must be positive, found " + lossMultiplier);
        }
        return lossMultiplier;
    }

    /** @return whether a flag of this group was given (they do not apply with {@code --config}) */
    boolean any() {
        return backbone != null || embeddingSize != 0 || freeze != null || freezeBatchNorm || backboneMultiplier != 1
                || lossMultiplier != 1 || unfreezeAfterEpochs != 0 || backboneWarmupEpochs != 0
                || !featureCache.equalsIgnoreCase("none");
    }
}
