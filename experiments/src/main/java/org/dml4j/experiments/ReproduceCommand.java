package org.dml4j.experiments;

import org.dml4j.mlflow.MlflowKeys;
import org.dml4j.mlflow.MlflowRestClient;
import org.dml4j.mlflow.RunInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a tracked run again from its logged arguments (cli/args.json) and configuration file, "
                + "into a new MLflow run, and compare the metrics (timings aside). On CPU they are identical.",
                "Exit status 0 when every metric matches within --tolerance, 1 when some differ."})
public final class ReproduceCommand implements Callable<Integer> {

    /** Options of the original run that name its outputs or its tracking: reproduce sets or drops them. */
    private static final Set<String> REPLACED = Set.of("--tracking-uri", "--experiment", "--run-name", "--model-out",
            "--metrics-out", "--checkpoint-dir", "--config");

    @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run to reproduce.")
    private String runId;

    @Option(names = "--tolerance", defaultValue = "0", description = "The largest absolute difference that counts "
            + "as a match. Default: ${DEFAULT-VALUE}.")
    private double tolerance;

    @Mixin
    private TrackingOptions tracking;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        MlflowRestClient client = TrackedRun.connect(tracking.resolvedUri());
        TrackedRun original = TrackedRun.fetch(client, runId);
        CommandArgs logged;
        try {
            logged = CommandArgs.parse(original.artifact(CommandArgs.ARTIFACT, "the command's arguments"));
        } catch (IOException e) {
            throw new UserError("Run " + runId + "'s " + CommandArgs.ARTIFACT + " is not readable: "
                    + e.getMessage(), e);
        }
        if (!logged.command().equals("train")) {
            throw new UserError("Run " + runId + " was made by dml4j " + logged.command() + "; reproduce re-runs "
                    + "dml4j train runs only.");
        }
        PrintWriter err = spec.commandLine().getErr();
        if (!logged.workingDirectory().equals(Path.of("").toAbsolutePath().toString())) {
            err.println("Note: the run was made in " + logged.workingDirectory() + "; relative paths in its "
                    + "arguments are resolved against the current folder.");
        }
        String runName = tracking.runName != null ? tracking.runName
                : "reproduce-" + runId + "-" + System.currentTimeMillis();
        List<String> args = arguments(logged.args(), original, runName);
        int status = spec.root().commandLine().getSubcommands().get("train").execute(args.toArray(String[]::new));
        if (status != 0) {
            return status;
        }
        String experimentId = client.experimentId(tracking.experiment);
        RunInfo again = client.findRunByTag(experimentId, MlflowKeys.RUN_NAME_TAG, runName).orElseThrow(
                () -> new UserError("The new run '" + runName + "' is not on the server yet (its data is spooled): "
                        + "run dml4j sync, then compare the runs with dml4j compare."));
        return report(original, TrackedRun.fetch(client, again.runId()));
    }

    /** The logged arguments with the outputs dropped, the configuration downloaded, and this run's tracking. */
    private List<String> arguments(List<String> logged, TrackedRun original, String runName) throws IOException {
        List<String> args = new ArrayList<>();
        for (int i = 0; i < logged.size(); i++) {
            String arg = logged.get(i);
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            if (!REPLACED.contains(name)) {
                args.add(arg);
                continue;
            }
            String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : logged.get(++i);
            if (name.equals("--config")) {
                args.addAll(List.of("--config", configFile(original, Path.of(value).getFileName().toString())));
            }
        }
        args.addAll(List.of("--tracking-uri", tracking.resolvedUri(), "--experiment", tracking.experiment,
                "--run-name", runName));
        return args;
    }

    private static String configFile(TrackedRun original, String fileName) throws IOException {
        byte[] content = original.artifact(CommandArgs.CONFIG_FOLDER + fileName, "the configuration file");
        Path file = Files.createTempDirectory("dml4j-reproduce").resolve(fileName);
        Files.write(file, content);
        return file.toString();
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
            out.printf("%-32s %14.8f %14.8f  %s%n", key, before, value, match ? "yes" : "NO");
        }
        out.println(differ.isEmpty() ? "all metrics match" : differ.size() + " metrics differ: " + differ);
        out.flush();
        return differ.isEmpty() ? 0 : 1;
    }
}
