package org.dml4j.train;

import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.classification.Label;

/**
 * Checks a training set before the first step, so a bad example is named instead of training silently into a
 * useless model: every feature value must be finite in float32 (the type training computes in), and every example
 * weight must be 1, since the losses compare tuples of examples and have no per-example weighting (Tribuo's
 * weighted trainers weight each example's own loss term; a metric-learning term spans several examples).
 */
final class TrainingInputs {

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
