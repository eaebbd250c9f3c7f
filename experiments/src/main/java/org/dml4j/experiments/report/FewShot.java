package org.dml4j.experiments.report;

import org.dml4j.eval.FewShotEvaluation;
import org.dml4j.eval.FewShotEvaluator;
import org.dml4j.experiments.io.UserError;
import org.dml4j.model.EmbeddingModel;
import org.tribuo.Dataset;
import org.tribuo.classification.Label;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few-shot settings of the command line, {@code NxK} (N-way K-shot, e.g. {@code 5x1}), and their episodic
 * evaluation ({@link FewShotEvaluator}) reported as {@code few_shot_NxK/accuracy} and {@code few_shot_NxK/ci95}.
 *
 * @param settings the (way, shot) pairs, in the order given
 * @param queries  the queries of each class
 * @param episodes the episodes of each setting
 * @param seed     the episodes' seed
 */
public record FewShot(List<int[]> settings, int queries, int episodes, long seed) {

    private static final Pattern SETTING = Pattern.compile("(\\d{1,6})[xX](\\d{1,6})");

    /**
     * Reads the settings and checks the numbers.
     *
     * @param option   the option's name, for messages
     * @param settings the settings, each {@code NxK}
     * @param queries  the queries of each class
     * @param episodes the episodes of each setting
     * @param seed     the episodes' seed
     * @return the settings
     * @throws UserError naming the option and the fix for a malformed setting or a value out of range
     */
    public static FewShot parse(String option, List<String> settings, int queries, int episodes, long seed) {
        List<int[]> parsed = new ArrayList<>();
        for (String setting : settings) {
            Matcher m = SETTING.matcher(setting.trim());
            if (!m.matches()) {
                throw new UserError(option + " " + setting + ": write N-way K-shot as NxK, e.g. 5x1 or 5x5.");
            }
            int way = Integer.parseInt(m.group(1));
            int shot = Integer.parseInt(m.group(2));
            try {
                new FewShotEvaluator(way, shot, queries, episodes, seed);
            } catch (IllegalArgumentException e) {
                throw new UserError(option + " " + setting + ": " + e.getMessage() + ".", e);
            }
            parsed.add(new int[]{way, shot});
        }
        return new FewShot(List.copyOf(parsed), queries, episodes, seed);
    }

    /**
     * Checks that the data has enough classes and examples for every setting, before any work on it.
     *
     * @param data the examples
     * @throws UserError naming the setting, the class and its size
     */
    public void check(Dataset<Label> data) {
        for (int[] setting : settings) {
            try {
                evaluator(setting).check(data);
            } catch (IllegalArgumentException e) {
                throw new UserError("Few-shot " + setting[0] + "x" + setting[1] + " with " + queries + " queries: "
                        + e.getMessage() + ".", e);
            }
        }
    }

    /**
     * Evaluates a model in every setting.
     *
     * @param model the model
     * @param data  the examples, typically of classes it was not trained on
     * @return the evaluations, in the order of the settings
     * @throws UserError if the data does not suit a setting
     */
    public List<FewShotEvaluation> evaluate(EmbeddingModel model, Dataset<Label> data) {
        check(data);
        List<FewShotEvaluation> out = new ArrayList<>();
        for (int[] setting : settings) {
            out.add(evaluator(setting).evaluate(model, data));
        }
        return out;
    }

    /**
     * @param evaluations evaluations
     * @return their summaries in one map
     */
    public static Map<String, Double> summary(List<FewShotEvaluation> evaluations) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        evaluations.forEach(e -> metrics.putAll(e.summary()));
        return metrics;
    }

    private FewShotEvaluator evaluator(int[] setting) {
        return new FewShotEvaluator(setting[0], setting[1], queries, episodes, seed);
    }
}
