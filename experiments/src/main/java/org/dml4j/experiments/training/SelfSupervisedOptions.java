package org.dml4j.experiments.training;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.augment.Augmentation;
import org.dml4j.augment.AugmentationSpecs;
import org.dml4j.distance.CosineSimilarity;
import org.dml4j.experiments.io.UserError;
import org.dml4j.loss.MetricLoss;
import org.dml4j.loss.NTXentLoss;
import org.dml4j.loss.SelfSupervisedLoss;
import org.dml4j.loss.SupConLoss;
import org.dml4j.nn.NetworkSpec;
import org.dml4j.nn.NetworkSpecs;
import org.dml4j.reduce.AvgNonZeroReducer;
import org.dml4j.reduce.MeanReducer;
import org.dml4j.sampling.ShuffleSampler;
import org.dml4j.train.MetricLearningTrainer;
import org.dml4j.train.SelfSupervision;
import org.tribuo.Dataset;
import org.tribuo.classification.Label;
import picocli.CommandLine.Option;

import java.util.Arrays;

/**
 * The options of {@code --mode self-supervised} (SimCLR): the augmentation that makes the two views, the projection
 * head, the temperature, and the trainer parts they configure ({@link SelfSupervision}, a
 * {@link SelfSupervisedLoss}, shuffled batches).
 */
public final class SelfSupervisedOptions {

    @Option(names = "--views", defaultValue = "simclr", paramLabel = "SPEC", description = "Self-supervised: the "
            + "augmentation applied twice to each example, steps NAME[:ARGS] joined by '+' (resized-crop, flip, "
            + "color-jitter, blur, rotation, scaling, crop, noise; simclr = " + AugmentationSpecs.SIMCLR + "). "
            + "Images are square, grey (H×H features) or RGB (3×H×H). Default: ${DEFAULT-VALUE}.")
    String views;

    @Option(names = "--projection-head", defaultValue = "mlp:128,64", paramLabel = "NETWORK", description =
            "Self-supervised: the network after the embedding that the loss sees during training and the model "
            + "drops (an mlp spec whose input is the embedding), or none. Default: ${DEFAULT-VALUE}.")
    String projectionHead;

    @Option(names = "--temperature", paramLabel = "T", description = "Self-supervised: the temperature of ntxent "
            + "or supcon (default: PML's, 0.07 and 0.1).")
    Double temperature;

    /**
     * The loss between the two views: PML's {@code SelfSupervisedLoss} around the named loss.
     *
     * @param name          the loss's command-line name
     * @param margin        {@code --margin}, or null
     * @param embeddingSize the embedding width
     * @return the loss
     */
    MetricLoss loss(String name, Double margin, int embeddingSize) {
        if (temperature != null && !(temperature > 0)) {
            throw new UserError("--temperature must be > 0, found " + temperature + ".");
        }
        MetricLoss inner = switch (name) {
            case "ntxent" -> temperature == null ? new NTXentLoss()
                    : new NTXentLoss(temperature, new CosineSimilarity(), new MeanReducer());
            case "supcon" -> temperature == null ? new SupConLoss()
                    : new SupConLoss(temperature, new CosineSimilarity(), new AvgNonZeroReducer());
            default -> {
                if (temperature != null) {
                    throw new UserError("--temperature applies to the losses ntxent and supcon, not " + name + ".");
                }
                yield Components.loss(name, margin, 1, embeddingSize);
            }
        };
        try {
            return new SelfSupervisedLoss(inner);
        } catch (PropertyException e) {
            throw new UserError("--loss " + name + " cannot compare two views: " + e.getMessage() + ". Use ntxent "
                    + "(SimCLR) or supcon with --mode self-supervised.", e);
        }
    }

    /**
     * Configures self-supervised training: the views, the projection head and shuffled batches.
     *
     * @param builder the trainer's builder, with the network and the loss
     * @param network the network
     * @param train   the training data (its width gives the image shape)
     * @param options the other trainer options, checked for what self-supervised training does not take
     * @return the builder
     */
    MetricLearningTrainer.Builder configure(MetricLearningTrainer.Builder builder, NetworkSpec network,
                                            Dataset<Label> train, TrainerOptions options) {
        if (options.miner != null && !options.miner.equals("none")) {
            throw new UserError("--miner " + options.miner + " does not apply to --mode self-supervised: the two "
                    + "views of each example are its positives, every other example its negatives.");
        }
        if (options.tuples != null || options.memorySize > 0) {
            throw new UserError((options.tuples != null ? "--tuples" : "--memory-size") + " does not apply to "
                    + "--mode self-supervised.");
        }
        NetworkSpec head = null;
        if (!projectionHead.equals("none")) {
            try {
                head = NetworkSpecs.parse(projectionHead);
            } catch (IllegalArgumentException e) {
                throw new UserError("--projection-head: " + e.getMessage(), e);
            }
        }
        return builder.selfSupervision(new SelfSupervision(views(train.getFeatureIDMap().size()), head))
                .sampler(new ShuffleSampler());
    }

    /** The views' augmentation for square grey (H×H) or RGB (3×H×H) images of {@code features} values. */
    private Augmentation views(int features) {
        int grey = (int) Math.round(Math.sqrt(features));
        int rgb = (int) Math.round(Math.sqrt(features / 3.0));
        int channels;
        int side;
        if (grey * grey == features) {
            channels = 1;
            side = grey;
        } else if (3 * rgb * rgb == features) {
            channels = 3;
            side = rgb;
        } else if (Arrays.stream(views.split("\\+")).allMatch(step -> step.trim().startsWith("noise"))) {
            channels = 1;
            side = -1;
        } else {
            throw new UserError("--views augments square images, but the training rows have " + features
                    + " features, neither H×H (grey) nor 3×H×H (RGB): use --views noise[:STD] for other data.");
        }
        try {
            return side > 0 ? AugmentationSpecs.parse(views, side, side, channels)
                    : AugmentationSpecs.parse(views, 1, features, channels);
        } catch (IllegalArgumentException e) {
            throw new UserError("--views: " + e.getMessage(), e);
        }
    }
}
