package org.dml4j.experiments.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.dml4j.eval.RetrievalEvaluation;
import org.dml4j.eval.RetrievalEvaluator;
import org.dml4j.experiments.io.JsonFiles;
import org.dml4j.model.EmbeddingModel;
import org.tribuo.Dataset;
import org.tribuo.classification.Label;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** The evaluation {@code train} reports, and metrics printed as a table or as JSON. */
public final class Evaluation {

    private Evaluation() {
    }

    /**
     * The library's leave-one-out retrieval evaluation with the default settings (what {@code eval} reports without
     * options), with or without full-ranking {@code map}.
     *
     * @param model       the model
     * @param data        the examples, each a query against all the others
     * @param fullRanking whether to report full-ranking {@code map} too
     * @return the evaluation
     */
    public static RetrievalEvaluation retrieval(EmbeddingModel model, Dataset<Label> data, boolean fullRanking) {
        return new RetrievalEvaluator().withFullRanking(fullRanking).evaluate(model, data);
    }

    /**
     * Prints metrics for a person (a table) or for a script ({@code json}: one JSON object on one line, with
     * {@code null} for a value that is not finite, as JSON has no NaN).
     *
     * @param out     where to print
     * @param metrics the metrics by name
     * @param json    whether to print JSON
     */
    public static void print(PrintWriter out, Map<String, Double> metrics, boolean json) {
        if (json) {
            Map<String, Double> finite = new LinkedHashMap<>();
            metrics.forEach((name, value) -> finite.put(name, Double.isFinite(value) ? value : null));
            try {
                out.println(JsonFiles.MAPPER.writeValueAsString(finite));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a map of numbers is always JSON", e);
            }
            out.flush();
        } else {
            printTable(out, metrics);
        }
    }

    private static void printTable(PrintWriter out, Map<String, Double> metrics) {
        out.println("metric                     value");
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            out.printf("%-24s %8.4f%n", e.getKey(), e.getValue());
        }
        out.flush();
    }
}
