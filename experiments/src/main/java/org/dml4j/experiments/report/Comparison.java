package org.dml4j.experiments.report;

import org.dml4j.eval.PairedComparison;
import org.dml4j.experiments.io.UserError;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What {@code compare} finds in runs: the params that differ, each metric's latest values, and the paired per-query
 * tests of each run against the first (A); printed as tables or as one JSON object.
 *
 * @param runs   the runs, A first
 * @param params each param whose values differ, to its value per run ({@code -} when a run lacks it)
 * @param values each metric to its latest value per run (null when a run lacks it)
 * @param tests  {@code LABEL/METRIC} (e.g. {@code B/map_at_r}) to the paired comparison of that run with A
 */
public record Comparison(List<TrackedRun> runs, Map<String, List<String>> params, Map<String, List<Double>> values,
                  Map<String, PairedComparison> tests) {

    /**
     * Compares runs.
     *
     * @param runs       the runs, A first
     * @param metrics    the per-query metrics to test
     * @param resamples  bootstrap resamples
     * @param confidence the intervals' confidence
     * @param seed       the bootstrap's seed
     * @return the comparison
     * @throws UserError when the runs' per-query results do not pair
     */
    public static Comparison of(List<TrackedRun> runs, List<String> metrics, int resamples, double confidence, long seed) {
        Map<String, List<String>> params = new TreeMap<>();
        TreeSet<String> paramKeys = new TreeSet<>();
        runs.forEach(r -> paramKeys.addAll(r.params().keySet()));
        for (String key : paramKeys) {
            List<String> values = runs.stream().map(r -> r.params().getOrDefault(key, "-")).toList();
            if (values.stream().distinct().count() > 1) {
                params.put(key, values);
            }
        }
        Map<String, List<Double>> values = new TreeMap<>();
        runs.forEach(r -> r.metrics().keySet().forEach(key -> values.put(key, new ArrayList<>())));
        values.forEach((key, list) -> runs.forEach(r -> list.add(r.metrics().get(key))));
        PerQueryResults base = runs.get(0).perQuery();
        Map<String, PairedComparison> tests = new LinkedHashMap<>();
        for (int i = 1; i < runs.size(); i++) {
            PerQueryResults other = runs.get(i).perQuery();
            if (!Arrays.equals(base.queryIndices(), other.queryIndices())) {
                throw new UserError("Runs " + runs.get(0).id() + " and " + runs.get(i).id() + " were evaluated on "
                        + "different queries (" + base.queryIndices().length + " and " + other.queryIndices().length
                        + "), so their per-query results do not pair. Compare runs evaluated on the same data "
                        + "(same dataset, split seed and evaluation classes).");
            }
            for (String metric : metrics) {
                tests.put(label(i) + "/" + metric, PairedComparison.of(base.values(metric), other.values(metric),
                        resamples, confidence, seed));
            }
        }
        return new Comparison(runs, params, values, tests);
    }

    /**
     * @param i a run's index
     * @return its label: A, B, ...
     */
    public static String label(int i) {
        return String.valueOf((char) ('A' + i));
    }

    /**
     * The comparison for scripts (non-finite numbers as null, as JSON has no NaN).
     *
     * @return {@code runs}, {@code params_differ}, {@code metrics} (each with {@code values} and
     *         {@code deltas} against A) and {@code tests}
     */
    public Map<String, Object> json() {
        List<Map<String, Object>> runList = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            runList.add(Map.of("label", label(i), "run_id", runs.get(i).id(), "name", runs.get(i).name()));
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        values.forEach((key, list) -> {
            List<Double> deltas = new ArrayList<>();
            for (Double value : list) {
                deltas.add(value == null || list.get(0) == null ? null : finite(value - list.get(0)));
            }
            metrics.put(key, Map.of("values", list.stream().map(Comparison::finite).toList(),
                    "deltas", deltas.subList(1, deltas.size())));
        });
        List<Map<String, Object>> testList = new ArrayList<>();
        tests.forEach((key, c) -> {
            Map<String, Object> test = new LinkedHashMap<>();
            test.put("run", key.substring(0, key.indexOf('/')));
            test.put("metric", key.substring(key.indexOf('/') + 1));
            test.put("queries", c.n());
            test.put("non_zero", c.nonZero());
            test.put("mean_a", finite(c.meanA()));
            test.put("mean", finite(c.meanB()));
            test.put("diff", finite(c.meanDifference()));
            test.put("interval", Arrays.asList(finite(c.low()), finite(c.high())));
            test.put("p", finite(c.pValue()));
            test.put("test", c.method());
            testList.add(test);
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("runs", runList);
        out.put("params_differ", params);
        out.put("metrics", metrics);
        out.put("tests", testList);
        return out;
    }

    private static Double finite(Double value) {
        return value == null || !Double.isFinite(value) ? null : value;
    }
}
