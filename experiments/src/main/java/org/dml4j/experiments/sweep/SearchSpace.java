package org.dml4j.experiments.sweep;

import org.dml4j.experiments.io.UserError;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The hyperparameters a sweep searches, by {@code train} option name (without the dashes), and the trials it
 * proposes: the grid of every combination, or random draws from a seed.
 *
 * @param parameters option name to its values, in the sweep file's order
 */
public record SearchSpace(Map<String, Hyperparameter> parameters) {

    /**
     * The first {@code budget} combinations of the grid, the last parameter varying fastest.
     *
     * @param budget the most trials
     * @return one option-to-value map per trial
     * @throws UserError when a parameter is a range (a grid needs lists)
     */
    List<Map<String, String>> grid(int budget) {
        List<Map<String, String>> trials = new ArrayList<>();
        trials.add(new LinkedHashMap<>());
        for (Map.Entry<String, Hyperparameter> e : parameters.entrySet()) {
            if (!(e.getValue() instanceof Hyperparameter.Choice choice)) {
                throw new UserError("The grid search needs a list of values for '" + e.getKey() + "', found a range."
                        + " Give a list, e.g. \"" + e.getKey() + "\": [0.001, 0.01], or use \"search\": \"random\".");
            }
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> partial : trials) {
                for (String value : choice.values()) {
                    Map<String, String> trial = new LinkedHashMap<>(partial);
                    trial.put(e.getKey(), value);
                    next.add(trial);
                }
            }
            trials = next;
        }
        return trials.subList(0, Math.min(budget, trials.size()));
    }

    /**
     * {@code budget} random combinations, the same for the same seed.
     *
     * @param budget the number of trials
     * @param seed   the seed
     * @return one option-to-value map per trial
     */
    List<Map<String, String>> random(int budget, long seed) {
        Random rng = new Random(seed);
        List<Map<String, String>> trials = new ArrayList<>();
        for (int i = 0; i < budget; i++) {
            Map<String, String> trial = new LinkedHashMap<>();
            parameters.forEach((name, parameter) -> trial.put(name, parameter.sample(rng)));
            trials.add(trial);
        }
        return trials;
    }
}
