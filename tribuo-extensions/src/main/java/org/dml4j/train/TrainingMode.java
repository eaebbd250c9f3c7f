package org.dml4j.train;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How a trainer learns ({@link MetricLearningTrainer}, or the cross-modal two-tower trainer), recorded in the
 * model's run provenance under {@link #PROVENANCE_KEY} and by the command line as the MLflow tag {@code dml4j.mode}.
 */
public enum TrainingMode {

    /** From class labels (or annotated tuples): the default. */
    SUPERVISED("supervised"),
    /** From two augmented views of each example, labels ignored ({@link SelfSupervision}). */
    SELF_SUPERVISED("self-supervised"),
    /** From N-way K-shot episodes, prototypical networks ({@link org.dml4j.sampling.EpisodeSampler}). */
    EPISODIC("episodic"),
    /** From pairs of two modalities, one tower each ({@link org.dml4j.crossmodal.TwoTowerTrainer}, CLIP-style). */
    CROSS_MODAL("cross-modal");

    /** The key of the mode in a model's run (instance) provenance. */
    public static final String PROVENANCE_KEY = "mode";

    private final String cliName;

    TrainingMode(String cliName) {
        this.cliName = cliName;
    }

    /** @return the mode's command-line name, e.g. {@code self-supervised} */
    public String cliName() {
        return cliName;
    }

    /**
     * The mode with a command-line name.
     *
     * @param name the name, e.g. {@code self-supervised}
     * @return the mode
     * @throws IllegalArgumentException naming the valid names when none matches
     */
    public static TrainingMode of(String name) {
        for (TrainingMode mode : values()) {
            if (mode.cliName.equals(name)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown training mode '" + name + "': choose one of "
                + Arrays.stream(values()).map(TrainingMode::cliName).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return cliName;
    }
}
