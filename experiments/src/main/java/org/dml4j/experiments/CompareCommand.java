package org.dml4j.experiments;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.dml4j.eval.PairedComparison;
import org.dml4j.experiments.io.JsonFiles;
import org.dml4j.experiments.io.UserError;
import org.dml4j.experiments.report.Comparison;
import org.dml4j.experiments.report.TrackedRun;
import org.dml4j.mlflow.RunReader;
import org.dml4j.mlflow.TrackingOutcome;
import org.dml4j.train.RunStart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code dml4j compare RUN_A RUN_B [...]}: reads runs from MLflow and prints the params that differ, the metric
 * deltas against the first run, and paired tests on the per-query results. Logs nothing unless {@code --log}.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compare MLflow runs of dml4j train: params that differ, metric deltas against the first run, "
                + "and, per metric, a paired test on the per-query results: a bootstrap confidence interval of the "
                + "mean difference and a Wilcoxon signed-rank test (zero differences dropped; exact p-value up to "
                + PairedComparison.EXACT_LIMIT + " non-zero differences, else the normal approximation).",
                "Logs nothing unless --log."})
public final class CompareCommand implements Callable<Integer> {

    @Parameters(arity = "2..*", paramLabel = "RUN_ID", description = "The runs; the first is the baseline A.")
    private List<String> runIds;

    @Option(names = "--metric", paramLabel = "NAME", split = ",", defaultValue = "map_at_r,precision_at_1",
            description = "Per-query metrics to test. Default: ${DEFAULT-VALUE}.")
    private List<String> metrics;

    @Option(names = "--bootstrap", defaultValue = "10000", description = "Bootstrap resamples. Default: "
            + "${DEFAULT-VALUE}.")
    private int resamples;

    @Option(names = "--confidence", defaultValue = "0.95", description = "Default: ${DEFAULT-VALUE}.")
    private double confidence;

    @Option(names = "--seed", defaultValue = "0", description = "The bootstrap's seed. Default: ${DEFAULT-VALUE}.")
    private long seed;

    @Option(names = "--json", description = "Print the comparison as one JSON object on standard output (params "
            + "that differ, metric values and deltas, the paired tests) instead of tables, for scripts.")
    private boolean json;

    @Option(names = "--log", description = "Log the comparison as a new MLflow run (in --experiment).")
    private boolean log;

    @Mixin
    private TrackingOptions tracking;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws JsonProcessingException {
        if (resamples < 100 || !(confidence > 0 && confidence < 1)) {
            throw new UserError("--bootstrap must be at least 100 and --confidence in (0, 1), found " + resamples
                    + " and " + confidence + ".");
        }
        RunReader reader = TrackedRun.connect(tracking.resolvedUri());
        List<TrackedRun> runs = runIds.stream().map(id -> TrackedRun.fetch(reader, id)).toList();
        Comparison comparison = Comparison.of(runs, metrics, resamples, confidence, seed);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(JsonFiles.MAPPER.writeValueAsString(comparison.json()));
        } else {
            print(out, comparison);
        }
        out.flush();
        if (log) {
            logComparison(runs, comparison.tests());
        }
        return 0;
    }

    private void print(PrintWriter out, Comparison comparison) {
        List<TrackedRun> runs = comparison.runs();
        for (int i = 0; i < runs.size(); i++) {
            out.printf("%s = %s (%s)%n", Comparison.label(i), runs.get(i).id(), runs.get(i).name());
        }
        out.println();
        out.println("params that differ:");
        comparison.params().forEach((key, values) -> out.printf("  %-48s %s%n", key, String.join("  |  ", values)));
        if (comparison.params().isEmpty()) {
            out.println("  (none)");
        }
        out.println();
        out.println("metrics (latest values; deltas against A):");
        comparison.values().forEach((key, values) -> {
            StringBuilder line = new StringBuilder(String.format("  %-32s", key));
            Double base = values.get(0);
            for (int i = 0; i < values.size(); i++) {
                Double value = values.get(i);
                line.append(value == null ? String.format(" %10s", "-") : String.format(" %10.4f", value));
                if (i > 0) {
                    line.append(value == null || base == null ? String.format(" %10s", "")
                            : String.format(" (%+.4f)", value - base));
                }
            }
            out.println(line);
        });
        out.println();
        out.printf("paired per-query tests against A (%.0f%% bootstrap interval of the mean difference, %d "
                + "resamples, seed %d; Wilcoxon signed-rank, two-sided):%n", 100 * confidence, resamples, seed);
        out.printf("  %-4s %-16s %7s %10s %10s %10s  %-23s %10s  %s%n", "run", "metric", "queries", "mean A",
                "mean", "diff", "interval", "p", "test");
        comparison.tests().forEach((key, c) -> out.printf("  %-4s %-16s %7d %10.4f %10.4f %+10.4f  [%+.4f, %+.4f]  "
                        + "%10.3g  %s, %d non-zero%n", key.substring(0, key.indexOf('/')),
                key.substring(key.indexOf('/') + 1), c.n(), c.meanA(), c.meanB(), c.meanDifference(), c.low(),
                c.high(), c.pValue(), c.method(), c.nonZero()));
    }

    private void logComparison(List<TrackedRun> runs, Map<String, PairedComparison> tests) {
        TrackingOptions.Tracking tracked = tracking.open("dml4j compare " + String.join(" ", runIds));
        tracked.tracker().onRunStart(new RunStart("compare", null, null, Map.of()));
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < runs.size(); i++) {
            params.put("compare.run_" + Comparison.label(i), runs.get(i).id());
        }
        tracked.tracker().logParams(params);
        Map<String, Double> differences = new LinkedHashMap<>();
        tests.forEach((key, c) -> differences.put("diff/" + key, c.meanDifference()));
        tracked.tracker().logMetrics(differences, 0);
        tracked.tracker().logText("comparison.json", JsonFiles.MAPPER.valueToTree(tests).toPrettyString());
        PrintWriter err = spec.commandLine().getErr();
        TrackingOutcome outcome = tracked.tracker().finish();
        err.println(outcome.message());
        tracked.runUrl(outcome).ifPresent(url -> err.println("MLflow run: " + url));
        err.flush();
    }
}
