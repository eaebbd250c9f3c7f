package org.dml4j.mlflow;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Summaries of per-fold metrics: each metric's mean and sample standard deviation over the folds. */
final class FoldStatistics {

    private FoldStatistics() {
    }

    /**
     * Each metric's mean under its own name and its sample standard deviation as {@code std/<name>}, over the folds
     * that report it (NaN values are left out; a metric no fold reports a finite value for is NaN).
     *
     * @param folds each fold's metrics
     * @return the means, then the deviations
     */
    static Map<String, Double> meansAndDeviations(List<Map<String, Double>> folds) {
        Map<String, Double> means = new LinkedHashMap<>();
        Map<String, Double> deviations = new LinkedHashMap<>();
        for (Map<String, Double> fold : folds) {
            for (String name : fold.keySet()) {
                if (means.containsKey(name)) {
                    continue;
                }
                double sum = 0;
                double squares = 0;
                int n = 0;
                for (Map<String, Double> other : folds) {
                    Double value = other.get(name);
                    if (value != null && !value.isNaN()) {
                        sum += value;
                        squares += value * value;
                        n++;
                    }
                }
                double mean = n == 0 ? Double.NaN : sum / n;
                means.put(name, mean);
                deviations.put("std/" + name, n < 2 ? Double.NaN
                        : Math.sqrt(Math.max(0, (squares - n * mean * mean) / (n - 1))));
            }
        }
        means.putAll(deviations);
        return means;
    }
}
