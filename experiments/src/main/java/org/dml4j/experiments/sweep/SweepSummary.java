package org.dml4j.experiments.sweep;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A sweep's outcome: its trials and the best one (the highest objective among completed trials, else among pruned
 * ones), as a table and as JSON.
 *
 * @param metric the validation metric maximized
 * @param trials the finished trials, in order
 */
public record SweepSummary(String metric, List<Trial> trials) {

    /**
     * The best trial.
     *
     * @return it, empty when every trial failed
     */
    public Optional<Trial> best() {
        Comparator<Trial> byObjective = Comparator.comparingDouble(Trial::objective);
        Optional<Trial> completed = trials.stream()
                .filter(t -> t.status() == Trial.Status.COMPLETED && !Double.isNaN(t.objective())).max(byObjective);
        return completed.isPresent() ? completed : trials.stream()
                .filter(t -> t.status() == Trial.Status.PRUNED && !Double.isNaN(t.objective())).max(byObjective);
    }

    /**
     * Prints one line per trial, the best marked with {@code *}.
     *
     * @param out where to print
     */
    public void print(PrintWriter out) {
        Trial best = best().orElse(null);
        out.printf("  trial  state       %-10s  epochs  seconds  values%n", metric);
        for (Trial t : trials) {
            out.printf("%s %5d  %-10s  %10.4f  %6d  %7.1f  %s%n", t == best ? "*" : " ", t.number(),
                    t.status().name().toLowerCase(Locale.ROOT), t.objective(), t.epochs(), t.seconds(), t.label());
        }
        if (best != null) {
            out.printf("best: trial %d, %s %.4f on the validation split (%s)%n", best.number(), metric,
                    best.objective(), best.label());
        }
        out.flush();
    }

    /**
     * The summary as JSON-ready maps.
     *
     * @return {@code metric}, {@code best_trial}, {@code best_objective} and {@code trials}
     */
    public Map<String, Object> json() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Trial t : trials) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("trial", t.number());
            row.put("state", t.status().name().toLowerCase(Locale.ROOT));
            row.put("objective", Double.isNaN(t.objective()) ? null : t.objective());
            row.put("epochs", t.epochs());
            row.put("seconds", t.seconds());
            row.put("values", t.values());
            row.put("error", t.status() == Trial.Status.FAILED ? t.message() : null);
            row.put("stopped", t.status() == Trial.Status.PRUNED ? t.message() : null);
            rows.add(row);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("metric", metric);
        out.put("best_trial", best().map(Trial::number).orElse(null));
        out.put("best_objective", best().map(Trial::objective).orElse(null));
        out.put("trials", rows);
        return out;
    }
}
