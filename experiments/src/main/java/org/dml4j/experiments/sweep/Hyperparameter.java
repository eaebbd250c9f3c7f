package org.dml4j.experiments.sweep;

import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * One searched hyperparameter of a sweep: a list of values, or a numeric range sampled uniformly (on a log scale
 * when asked; rounded for integer options).
 */
public sealed interface Hyperparameter {

    /**
     * A value drawn at random.
     *
     * @param rng the sweep's random numbers
     * @return the value as a command-line argument
     */
    String sample(Random rng);

    /**
     * Values to try in turn.
     *
     * @param values the values, as command-line arguments
     */
    record Choice(List<String> values) implements Hyperparameter {
        @Override
        public String sample(Random rng) {
            return values.get(rng.nextInt(values.size()));
        }
    }

    /**
     * A numeric range.
     *
     * @param min     the smallest value
     * @param max     the largest value
     * @param log     sample uniformly in log space (learning rates); needs {@code min > 0}
     * @param integer round to an integer (epochs, batch sizes)
     */
    record Range(double min, double max, boolean log, boolean integer) implements Hyperparameter {
        @Override
        public String sample(Random rng) {
            double u = rng.nextDouble();
            double value = log ? Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min)))
                    : min + u * (max - min);
            return integer ? String.valueOf(Math.round(value)) : String.format(Locale.ROOT, "%.6g", value);
        }
    }
}
