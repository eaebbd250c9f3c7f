package org.dml4j.train;

import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.util.Pair;
import org.dml4j.data.UnlabeledData;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.classification.Label;
import org.tribuo.provenance.DataProvenance;
import org.tribuo.provenance.DatasetProvenance;

import java.util.Set;

/**
 * Checks a training set before the first step, so a bad example is named instead of training silently into a
 * useless model: every feature value must be finite in float32 (the type training computes in), and every example
 * weight must be 1, since the losses compare tuples of examples and have no per-example weighting (Tribuo's
 * weighted trainers weight each example's own loss term; a metric-learning term spans several examples).
 */
final class TrainingInputs {

    /** The provenance fields that name where a data source's examples come from. */
    private static final Set<String> SOURCE_FIELDS = Set.of("description", "path", "dataPath");

    private TrainingInputs() {
    }

    /**
     * @param examples the training set
     * @throws IllegalArgumentException naming the first bad example (its index in the dataset) and feature, and
     *                                  the fix
     */
    static void check(Dataset<Label> examples) {
        int index = 0;
        for (Example<Label> example : examples) {
            if (example.getWeight() != Example.DEFAULT_WEIGHT) {
                throw new IllegalArgumentException("training example " + index + " has weight "
                        + example.getWeight() + ", but MetricLearningTrainer does not weight examples (a "
                        + "metric-learning loss term compares several examples): set every weight to 1, or "
                        + "resample the data to change a class's share");
            }
            for (Feature feature : example) {
                double value = feature.getValue();
                if (!Float.isFinite((float) value)) {
                    throw new IllegalArgumentException("training example " + index + " has feature '"
                            + feature.getName() + "' = " + value + ", " + cause(value));
                }
            }
            index++;
        }
    }

    /**
     * Refuses unlabeled examples ({@link UnlabeledData}) where the run needs labels: supervised training from class
     * labels (not from annotated tuples), episodic training, and validation, which ranks by class.
     *
     * @param examples           the training set
     * @param mode               the training mode
     * @param fromTuples         whether the run learns from annotated tuples instead of class labels
     * @param validationFraction the fraction held out for validation
     * @throws IllegalArgumentException naming the data, the first unlabeled example and the fix
     */
    static void checkLabels(Dataset<Label> examples, TrainingMode mode, boolean fromTuples,
                            double validationFraction) {
        int first = UnlabeledData.firstUnlabeled(examples);
        if (first < 0) {
            return;
        }
        String which = "training example " + first + " of " + source(examples) + " has no label ("
                + "Tribuo's unknown label " + Label.UNKNOWN + ")";
        if (mode == TrainingMode.EPISODIC || (mode == TrainingMode.SUPERVISED && !fromTuples)) {
            throw new IllegalArgumentException(which + ", but " + mode + " training learns from class labels: "
                    + "train unlabeled data self-supervised (a SelfSupervision with a SelfSupervisedLoss; dml4j "
                    + "train --mode self-supervised), or label every example");
        }
        if (validationFraction > 0) {
            throw new IllegalArgumentException(which + ", but validation ranks by class labels: set "
                    + "validationFraction to 0 (--validation-fraction 0) for unlabeled data");
        }
    }

    /**
     * @param examples a dataset
     * @return what it was read from, for messages: its (first) source's description or path (Tribuo's CSV loader),
     *         else the source's class
     */
    static String source(Dataset<Label> examples) {
        DataProvenance provenance = examples.getSourceProvenance();
        while (provenance instanceof DatasetProvenance copied) { // a dataset made from another one
            provenance = copied.getSourceProvenance();
        }
        for (Pair<String, Provenance> field : provenance) {
            if (SOURCE_FIELDS.contains(field.getA())) {
                return field.getB().toString();
            }
        }
        return provenance.getClassName();
    }

    private static String cause(double value) {
        if (Double.isNaN(value)) {
            return "which is not a number: impute or drop it (Tribuo's MeanStdDevTransformation makes a feature "
                    + "that is constant in the data NaN; drop constant features before scaling)";
        }
        if (Double.isInfinite(value)) {
            return "which is infinite: clip or drop it";
        }
        return "beyond float32's range (±3.4e38) that training computes in: scale the features (e.g. Tribuo's "
                + "MeanStdDevTransformation) or clip them";
    }
}
