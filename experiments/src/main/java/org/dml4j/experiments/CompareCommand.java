package org.dml4j.experiments;

import org.dml4j.mlflow.MlflowRestClient;
import org.dml4j.train.RunStart;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
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

    @Option(names = "--log", description = "Log the comparison as a new MLflow run (in --experiment).")
    private boolean log;

    @Mixin
    private TrackingOptions tracking;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (resamples < 100 || !(confidence > 0 && confidence < 1)) {
            throw new UserError("--bootstrap must be at least 100 and --confidence in (0, 1), found " + resamples
                    + " and " + confidence + ".");
        }
        MlflowRestClient client = TrackedRun.connect(tracking.resolvedUri());
        List<TrackedRun> runs = runIds.stream().map(id -> TrackedRun.fetch(client, id)).toList();
        PrintWriter out = spec.commandLine().getOut();
        for (int i = 0; i < runs.size(); i++) {
            out.printf("%s = %s (%s)%n", label(i), runs.get(i).id(), runs.get(i).name());
        }
        printParams(out, runs);
        printMetrics(out, runs);
        Map<String, PairedComparison> tests = printTests(out, runs);
        out.flush();
        if (log) {
            logComparison(runs, tests);
        }
        return 0;
    }

    private static String label(int i) {
        return String.valueOf((char) ('A' + i));
    }

    private static void printParams(PrintWriter out, List<TrackedRun> runs) {
        TreeSet<String> keys = new TreeSet<>();
        runs.forEach(r -> keys.addAll(r.params().keySet()));
        out.println();
        out.println("params that differ:");
        int shown = 0;
        for (String key : keys) {
            List<String> values = runs.stream().map(r -> r.params().getOrDefault(key, "-")).toList();
            if (values.stream().distinct().count() > 1) {
                out.printf("  %-48s %s%n", key, String.join("  |  ", values));
                shown++;
            }
        }
        if (shown == 0) {
            out.println("  (none)");
        }
    }

    private static void printMetrics(PrintWriter out, List<TrackedRun> runs) {
        TreeSet<String> keys = new TreeSet<>();
        runs.forEach(r -> keys.addAll(r.metrics().keySet()));
        out.println();
        out.println("metrics (latest values; deltas against A):");
        for (String key : keys) {
            StringBuilder line = new StringBuilder(String.format("  %-32s", key));
            Double base = runs.get(0).metrics().get(key);
            for (int i = 0; i < runs.size(); i++) {
                Double value = runs.get(i).metrics().get(key);
                line.append(value == null ? String.format(" %10s", "-") : String.format(" %10.4f", value));
                if (i > 0) {
                    line.append(value == null || base == null ? String.format(" %10s", "")
                            : String.format(" (%+.4f)", value - base));
                }
            }
            out.println(line);
        }
    }

    private Map<String, PairedComparison> printTests(PrintWriter out, List<TrackedRun> runs) {
        PerQueryResults base = runs.get(0).perQuery();
        Map<String, PairedComparison> tests = new LinkedHashMap<>();
        out.println();
        out.printf("paired per-query tests against A (%.0f%% bootstrap interval of the mean difference, %d "
                + "resamples, seed %d; Wilcoxon signed-rank, two-sided):%n", 100 * confidence, resamples, seed);
        out.printf("  %-4s %-16s %7s %10s %10s %10s  %-23s %10s  %s%n", "run", "metric", "queries", "mean A",
                "mean", "diff", "interval", "p", "test");
        for (int i = 1; i < runs.size(); i++) {
            PerQueryResults other = runs.get(i).perQuery();
            if (!Arrays.equals(base.queryIndices(), other.queryIndices())) {
                throw new UserError("Runs " + runs.get(0).id() + " and " + runs.get(i).id() + " were evaluated on "
                        + "different queries (" + base.queryIndices().length + " and " + other.queryIndices().length
                        + "), so their per-query results do not pair. Compare runs evaluated on the same data "
                        + "(same dataset, split seed and evaluation classes).");
            }
            for (String metric : metrics) {
                PairedComparison c = PairedComparison.of(base.values(metric), other.values(metric), resamples,
                        confidence, seed);
                out.printf("  %-4s %-16s %7d %10.4f %10.4f %+10.4f  [%+.4f, %+.4f]  %10.3g  %s, %d non-zero%n",
                        label(i), metric, c.n(), c.meanA(), c.meanB(), c.meanDifference(), c.low(), c.high(),
                        c.pValue(), c.method(), c.nonZero());
                tests.put(label(i) + "/" + metric, c);
            }
        }
        return tests;
    }

    private void logComparison(List<TrackedRun> runs, Map<String, PairedComparison> tests) {
        TrackingOptions.Tracking tracked = tracking.open("dml4j compare " + String.join(" ", runIds));
        tracked.tracker().onRunStart(new RunStart("compare", null, null, Map.of()));
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < runs.size(); i++) {
            params.put("compare.run_" + label(i), runs.get(i).id());
        }
        tracked.tracker().logParams(params);
        Map<String, Double> differences = new LinkedHashMap<>();
        tests.forEach((key, c) -> differences.put("diff/" + key, c.meanDifference()));
        tracked.tracker().logMetrics(differences, 0);
        tracked.tracker().logText("comparison.json", JsonFiles.MAPPER.valueToTree(tests).toPrettyString());
        PrintWriter err = spec.commandLine().getErr();
        err.println(tracked.tracker().finish().message());
        tracked.runUrl().ifPresent(url -> err.println("MLflow run: " + url));
        err.flush();
    }
}
