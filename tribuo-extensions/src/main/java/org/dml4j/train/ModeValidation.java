package org.dml4j.train;

import org.dml4j.data.DenseData;
import org.dml4j.eval.FewShotEvaluator;
import org.dml4j.eval.LinearProbe;
import org.dml4j.index.KnnDistance;
import org.dml4j.nn.EmbeddingNetwork;
import org.dml4j.sampling.EpisodeSampler;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tribuo.classification.Label;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The validation metrics of a training mode beyond the retrieval metrics every mode reports, so that runs and sweep
 * trials of that mode can be compared by what the mode is for: episodic training adds the few-shot accuracy of its
 * own setting on the validation classes ({@code few_shot_NxK/accuracy} and {@code /ci95}, 1,000 episodes, the same
 * every validation); self-supervised training adds {@value #LINEAR_PROBE} (a linear probe trained on the embeddings
 * of the training part, tested on those of the validation part).
 */
final class ModeValidation {

    /** The metric key of the linear probe's validation accuracy. */
    static final String LINEAR_PROBE = "linear_probe_accuracy";
    /** The seed of the validation episodes, fixed so that every validation and every run sees the same ones. */
    private static final long EPISODE_SEED = 0L;

    private final FewShotEvaluator fewShot;
    private final boolean probe;
    private final DenseData train;
    private final DenseData validation;
    private final KnnDistance distance;

    /**
     * @param config     the trainer
     * @param train      the training part
     * @param validation the validation part
     * @param distance   the distance the model ranks by
     */
    ModeValidation(MetricLearningTrainer config, DenseData train, DenseData validation, KnnDistance distance) {
        this.fewShot = config.sampler() instanceof EpisodeSampler episodes ? new FewShotEvaluator(episodes.way(),
                episodes.shot(), episodes.queries(), FewShotEvaluator.DEFAULT_EPISODES, EPISODE_SEED) : null;
        this.probe = config.mode() == TrainingMode.SELF_SUPERVISED;
        this.train = train;
        this.validation = validation;
        this.distance = distance;
    }

    /**
     * Checks, before training, that the validation part can make the few-shot episodes of episodic training.
     *
     * @param config     the trainer
     * @param validation the validation part
     * @param source     what the data was read from, for the message
     * @throws IllegalArgumentException naming the class too small and its size
     */
    static void check(MetricLearningTrainer config, DenseData validation, String source) {
        if (config.sampler() instanceof EpisodeSampler episodes) {
            try {
                episodes.check(validation.labels(), id -> "'" + validation.labelIndex().name(id) + "'");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("few-shot validation on the validation part of " + source + ": "
                        + e.getMessage() + "; or raise validationFraction");
            }
        }
    }

    /**
     * @param network              the network being trained
     * @param validationEmbeddings the validation part's embeddings
     * @return the mode's metrics (none in supervised mode)
     */
    Map<String, Double> metrics(EmbeddingNetwork network, INDArray validationEmbeddings) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (fewShot != null) {
            metrics.putAll(fewShot.evaluate(validationEmbeddings, validation.labels(), distance).summary());
        }
        if (probe) {
            INDArray trainEmbeddings = network.embedInBlocks(train.features(), TrainingRun.EMBED_BLOCK);
            metrics.put(LINEAR_PROBE, new LinearProbe().evaluate(trainEmbeddings, labels(train),
                    validationEmbeddings, labels(validation), "validation").accuracy());
        }
        return metrics;
    }

    private static List<Label> labels(DenseData data) {
        List<Label> labels = new ArrayList<>(data.size());
        for (int id : data.labels()) {
            labels.add(new Label(data.labelIndex().name(id)));
        }
        return labels;
    }
}
