package org.dml4j.experiments;

import org.dml4j.experiments.io.ConfigFiles;
import org.dml4j.experiments.io.UserError;
import org.dml4j.experiments.report.TrackedRun;
import org.dml4j.mlflow.Credentials;
import org.dml4j.mlflow.MlflowKeys;
import org.dml4j.mlflow.RunReader;
import org.dml4j.mlflow.RunRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * {@code dml4j reproduce RUN_ID}: runs a tracked {@code train} run again from its logged arguments (and its OLCUT
 * configuration file, when it used one) into a new MLflow run, and reports whether the metrics match.
 * <p>
 * A run's record is untrusted input (anyone who can write to the tracking server can plant one): only training
 * options from an allow-list are replayed, output files go into a fresh folder this command names, the
 * configuration file must hold DML4J components only ({@link ConfigFiles}), and anything else is refused before
 * anything runs.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a tracked run again from its logged arguments (cli/args.json) and configuration file, "
                + "into a new MLflow run, and compare the metrics (timings aside). On CPU they are identical.",
                "Only training options are replayed; the run's output files are written into a new folder "
                        + "(reproduce-RUN_ID-*, under --out-dir), and a run whose record asks for anything else "
                        + "(another output, a configuration with DTDs, file includes or non-DML4J classes) is "
                        + "refused.",
                "Exit status 0 when every metric matches within --tolerance, 1 when some differ, 2 when refused."})
public final class ReproduceCommand implements Callable<Integer> {

    /** Train options replayed as logged: the data, the trainer and how the run prints. */
    static final Set<String> TRAINING = Set.of("--dataset", "--image-size", "--image-channels", "--data-dir",
            "--label-column", "--train-classes", "--eval-classes", "--train-limit", "--config-name",
            "--config-override", "--loss", "--margin", "--miner", "--embedding-regularizer", "--weight-regularizer",
            "--network", "--optimizer", "--lr", "--epochs",
            "--batch-size", "--m-per-class", "--seed", "--validation-fraction", "--patience", "--memory-size",
            "--tuples", "--tuple-kind", "--quiet", "--json", "--train-per-class", "--backbone", "--embedding-size",
            "--freeze", "--freeze-bn", "--backbone-lr-multiplier", "--loss-lr-multiplier", "--unfreeze-after-epochs",
            "--backbone-warmup-epochs", "--feature-cache");

    /** Output options: replayed with the file name only, in the reproduction's folder. */
    static final Map<String, String> OUTPUTS = Map.of("--model-out", "model.dml4j", "--metrics-out",
            "metrics.json", "--checkpoint-dir", "checkpoints");

    /** Tracking options of the original run: this command sets its own. */
    static final Set<String> TRACKING = Set.of("--tracking-uri", "--experiment", "--run-name", "--register-model",
            "--model-alias");

    private static final String CONFIG = "--config";

    @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run to reproduce.")
    private String runId;

    @Option(names = "--tolerance", defaultValue = "0", description = "The largest absolute difference that counts "
            + "as a match. Default: ${DEFAULT-VALUE}.")
    private double tolerance;

    @Option(names = "--out-dir", defaultValue = ".", paramLabel = "DIR", description = "Where the new folder with "
            + "the reproduction's files (model, metrics, configuration) is made. Default: the current folder.")
    private Path outDir;

    @Mixin
    private TrackingOptions tracking;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        RunReader reader = TrackedRun.connect(tracking.resolvedUri());
        TrackedRun original = TrackedRun.fetch(reader, runId);
        CommandArgs logged;
        try {
            logged = CommandArgs.parse(original.artifact(CommandArgs.ARTIFACT, "the command's arguments"));
        } catch (IOException e) {
            throw new UserError("Run " + runId + "'s " + CommandArgs.ARTIFACT + " is not readable: "
                    + e.getMessage(), e);
        }
        if (!logged.command().equals("train")) {
            throw new UserError("Run " + runId + " was made by dml4j " + printable(logged.command()) + "; reproduce "
                    + "re-runs dml4j train runs only.");
        }
        List<OptionSpec> options = allowedOptions(logged.args());
        PrintWriter err = spec.commandLine().getErr();
        if (!String.valueOf(logged.workingDirectory()).equals(Path.of("").toAbsolutePath().toString())) {
            err.println("Note: the run was made in " + printable(logged.workingDirectory()) + "; relative paths in "
                    + "its arguments are resolved against the current folder.");
        }
        Path folder = Files.createTempDirectory(Files.createDirectories(outDir).toAbsolutePath(),
                "reproduce-" + fileName(runId, "run") + "-");
        List<String> args = arguments(options, original, folder);
        String runName = tracking.runName != null ? tracking.runName
                : "reproduce-" + runId + "-" + System.currentTimeMillis();
        err.println("Reproducing run " + runId + " into " + folder + ":");
        err.println("  dml4j train " + printable(String.join(" ", args)));
        err.println("  as the run '" + runName + "' of experiment '" + tracking.experiment + "' on "
                + Credentials.withoutUserInfo(tracking.resolvedUri()));
        err.flush();
        args.addAll(List.of("--tracking-uri", tracking.resolvedUri(), "--experiment", tracking.experiment,
                "--run-name", runName));
        int status = spec.root().commandLine().getSubcommands().get("train").execute(args.toArray(String[]::new));
        if (status != 0) {
            return status;
        }
        RunRecord again = reader.findByTag(tracking.experiment, MlflowKeys.RUN_NAME_TAG, runName).orElseThrow(
                () -> new UserError("The new run '" + runName + "' is not on the server yet (its data is spooled): "
                        + "run dml4j sync, then compare the runs with dml4j compare."));
        return report(original, new TrackedRun(reader, again));
    }

    /**
     * The logged arguments parsed as train's, checked against the allow-lists.
     *
     * @throws UserError naming the first option reproduce does not replay
     */
    private List<OptionSpec> allowedOptions(List<String> logged) {
        CommandLine.ParseResult parsed;
        try {
            parsed = new CommandLine(new TrainCommand()).setExpandAtFiles(false)
                    .parseArgs(logged.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new UserError("Run " + runId + "'s " + CommandArgs.ARTIFACT + " is not a dml4j train command line ("
                    + printable(e.getMessage()) + "); nothing was run.", e);
        }
        for (OptionSpec option : parsed.matchedOptions()) {
            String name = option.longestName();
            if (!TRAINING.contains(name) && !OUTPUTS.containsKey(name) && !TRACKING.contains(name)
                    && !name.equals(CONFIG)) {
                throw new UserError("Run " + runId + " was made with " + name + ", which reproduce does not replay: "
                        + "it replays training options only (" + new TreeSet<>(TRAINING) + " and " + CONFIG
                        + " with the run's own configuration file), and writes " + new TreeSet<>(OUTPUTS.keySet())
                        + " into a new folder. The run's record may have been altered; nothing was run.");
            }
            if (name.equals("--config-override")) {
                for (String override : option.originalStringValues()) {
                    String key = override.contains("=") ? override.substring(0, override.indexOf('=')) : override;
                    if (ConfigFiles.OUTPUT_PROPERTIES.contains(key.substring(key.lastIndexOf('.') + 1))) {
                        throw new UserError("Run " + runId + " was made with --config-override " + printable(key)
                                + ", an output path, which reproduce does not replay; nothing was run.");
                    }
                }
            }
        }
        return parsed.matchedOptions();
    }

    /** Train's arguments: the training options as logged, the outputs and the configuration in the folder. */
    private List<String> arguments(List<OptionSpec> options, TrackedRun original, Path folder) throws IOException {
        List<String> args = new ArrayList<>();
        for (OptionSpec option : options) {
            String name = option.longestName();
            List<String> values = option.originalStringValues();
            String last = values.isEmpty() ? "" : values.get(values.size() - 1);
            if (TRAINING.contains(name)) {
                if (option.arity().max() == 0) {
                    args.add(name);
                } else {
                    values.forEach(value -> args.add(name + "=" + value));
                }
            } else if (OUTPUTS.containsKey(name)) {
                args.add(name + "=" + folder.resolve(fileName(last, OUTPUTS.get(name))));
            } else if (name.equals(CONFIG)) {
                args.add(CONFIG + "=" + configFile(original, last, folder));
            }
        }
        return args;
    }

    /** Downloads the run's configuration file into the folder and checks it as untrusted. */
    private static Path configFile(TrackedRun original, String logged, Path folder) throws IOException {
        String name = logged.substring(Math.max(logged.lastIndexOf('/'), logged.lastIndexOf('\\')) + 1);
        if (name.isEmpty() || name.equals(".") || name.equals("..") || !name.equals(printable(name))) {
            throw new UserError("Run " + original.id() + "'s configuration file name '" + printable(logged)
                    + "' is not a file name; nothing was run.");
        }
        byte[] content = original.artifact(CommandArgs.CONFIG_FOLDER + name, "the configuration file");
        Path file = Files.createDirectories(folder.resolve("config")).resolve(fileName(name, "config.xml"));
        Files.write(file, content);
        ConfigFiles.check(file, true);
        return file;
    }

    /** The last part of a logged path if it is a plain file name, else the default. */
    private static String fileName(String path, String fallback) {
        String name = path.substring(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
        return name.matches("[A-Za-z0-9._-]{1,100}") && !name.matches("\\.+") ? name : fallback;
    }

    /** Untrusted text safe to print on a terminal: control characters (escape sequences) shown as '?'. */
    private static String printable(String text) {
        return String.valueOf(text).replaceAll("\\p{Cntrl}", "?");
    }

    private int report(TrackedRun original, TrackedRun again) {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%nreproduced %s as %s%n", original.id(), again.id());
        out.printf("%-32s %14s %14s  %s%n", "metric", "original", "reproduced", "match");
        List<String> differ = new ArrayList<>();
        for (String key : new TreeSet<>(original.metrics().keySet())) {
            Double value = again.metrics().get(key);
            if (key.contains("seconds") || value == null) {
                continue;
            }
            double before = original.metrics().get(key);
            boolean match = Double.compare(before, value) == 0 || Math.abs(before - value) <= tolerance;
            if (!match) {
                differ.add(key);
            }
            out.printf("%-32s %14.8f %14.8f  %s%n", printable(key), before, value, match ? "yes" : "NO");
        }
        out.println(differ.isEmpty() ? "all metrics match" : differ.size() + " metrics differ: " + differ);
        out.flush();
        return differ.isEmpty() ? 0 : 1;
    }
}
