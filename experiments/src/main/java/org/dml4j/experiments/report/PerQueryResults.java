package org.dml4j.experiments.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.dml4j.eval.RetrievalEvaluation;
import org.dml4j.experiments.io.JsonFiles;
import org.dml4j.experiments.io.UserError;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A retrieval evaluation's per-query values, as the {@code evaluation/per_query.json} artifact of a tracked run and
 * the {@code --per-query-out} file: the evaluated query rows and, per metric, one value per query (parallel).
 * {@code compare} pairs two runs' values by query row.
 *
 * @param queryIndices the evaluated query rows of the evaluation data, ascending
 * @param metrics      metric name to per-query values, parallel to {@code queryIndices}
 */
public record PerQueryResults(@JsonProperty("query_indices") int[] queryIndices,
                       @JsonProperty("metrics") Map<String, double[]> metrics) {

    /** The artifact path in a tracked run. */
    public static final String ARTIFACT = "evaluation/per_query.json";

    /**
     * The per-query values of an evaluation.
     *
     * @param evaluation the evaluation
     * @return its per-query results
     */
    public static PerQueryResults of(RetrievalEvaluation evaluation) {
        Map<String, double[]> metrics = new LinkedHashMap<>();
        for (String name : evaluation.metricNames()) {
            metrics.put(name, evaluation.perQuery(name));
        }
        return new PerQueryResults(evaluation.evaluatedQueryIndices(), metrics);
    }

    /**
     * Reads results written by {@link JsonFiles#write}.
     *
     * @param json the file's bytes
     * @return the results
     * @throws IOException when they are not per-query results
     */
    public static PerQueryResults parse(byte[] json) throws IOException {
        PerQueryResults results = JsonFiles.MAPPER.readValue(json, PerQueryResults.class);
        if (results.queryIndices == null || results.metrics == null) {
            throw new IOException("not per-query results: query_indices or metrics is missing");
        }
        return results;
    }

    /**
     * One metric's values.
     *
     * @param metric the metric name
     * @return the values, parallel to {@link #queryIndices()}
     * @throws UserError when the metric is absent
     */
    public double[] values(String metric) {
        double[] values = metrics.get(metric);
        if (values == null) {
            throw new UserError("No per-query values for metric '" + metric + "'; choose one of "
                    + metrics.keySet() + ".");
        }
        return values;
    }
}
