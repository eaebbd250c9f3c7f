package org.dml4j.experiments.sweep;

import org.dml4j.experiments.data.DatasetOptions;
import org.dml4j.experiments.io.UserError;
import org.dml4j.experiments.training.TrainerOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A sweep trial's {@code train} options (the sweep file's base, then the trial's values), parsed as train does. A key
 * {@code config:COMPONENT.PROPERTY} sets a property of the {@code --config} file's component (train's
 * {@code --config-override}).
 */
@Command(name = "trial")
public final class TrialArgs {

    /** The dataset options: set in the base, never searched (every trial trains on the same data). */
    static final Set<String> DATASET_KEYS = Set.of("dataset", "data-dir", "label-column", "train-classes",
            "eval-classes", "train-limit", "train-per-class", "pairs-csv", "eval-pairs-csv", "pairs", "a-features",
            "b-features", "class-column");

    /** The option {@code --unlabeled}, which sweeps refuse. */
    static final String UNLABELED_KEY = "unlabeled";

    /** The key prefix of a {@code --config} file's component property. */
    static final String CONFIG_PREFIX = "config:";

    /** The dataset options (the base's; never searched). */
    @Mixin
    public DatasetOptions data;

    /** The trainer options. */
    @Mixin
    public TrainerOptions trainer;

    /** The options as {@code train} arguments. */
    List<String> arguments;

    /** The base options it was parsed from (name without dashes to value). */
    Map<String, String> base;

    /**
     * Parses the options of a trial.
     *
     * @param base   the base options (name without dashes to value)
     * @param values the trial's values, which override the base
     * @return the parsed options
     * @throws UserError when a name is not a train option or a value does not parse
     */
    public static TrialArgs parse(Map<String, String> base, Map<String, String> values) {
        for (String key : values.keySet()) {
            if (DATASET_KEYS.contains(key)) {
                throw new UserError("'" + key + "' cannot be searched: every trial trains on the same data. Move it "
                        + "from \"space\" to \"base\".");
            }
        }
        Map<String, String> merged = new LinkedHashMap<>(base);
        merged.putAll(values);
        if (merged.containsKey(UNLABELED_KEY)) {
            throw new UserError("'" + UNLABELED_KEY + "' does not apply to sweeps: a trial is scored on a "
                    + "validation split, which unlabeled examples cannot join. Sweep on the labelled data, then "
                    + "train with --unlabeled.");
        }
        List<String> args = new ArrayList<>();
        merged.forEach((key, value) -> args.addAll(key.startsWith(CONFIG_PREFIX)
                ? List.of("--config-override", key.substring(CONFIG_PREFIX.length()) + "=" + value)
                : List.of("--" + key, value)));
        TrialArgs parsed = new TrialArgs();
        parsed.arguments = List.copyOf(args);
        parsed.base = new LinkedHashMap<>(base);
        try {
            new CommandLine(parsed).parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new UserError("The sweep file's options do not fit dml4j train: " + e.getMessage() + ". Use "
                    + "train's option names without the dashes (see dml4j train --help); output and tracking "
                    + "options belong on the sweep command line.", e);
        }
        return parsed;
    }
}
