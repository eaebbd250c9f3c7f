package org.dml4j.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * One golden retrieval case ({@code golden/retrieval/*.json}, schema {@code dml-golden/retrieval/v1}) read
 * from the test class path.
 */
public final class GoldenRetrievalCase {
    /** The six case files. */
    public static final List<String> FILES = List.of(
            "retrieval_query_prefix_of_ref.json",
            "retrieval_query_ref_disjoint.json",
            "retrieval_self_integer_grid_ties.json",
            "retrieval_self_normalized_singletons.json",
            "retrieval_self_small_normalized.json",
            "retrieval_self_unnormalized_weak.json");

    /** Golden per-query metric names that differ from {@link MetricNames}. */
    private static final Map<String, String> RENAMED = Map.of(
            "average_precision", MetricNames.MAP,
            "average_precision_at_r", MetricNames.MAP_AT_R,
            "reciprocal_rank", MetricNames.MRR);

    public final String file;
    public final JsonNode root;
    public final double[][] queries;
    public final int[] queryLabels;
    public final double[][] references;
    public final int[] referenceLabels;
    public final RetrievalMode mode;

    private GoldenRetrievalCase(String file, JsonNode root) {
        this.file = file;
        this.root = root;
        JsonNode in = root.get("inputs");
        this.queries = matrix(in.get("query_embeddings"));
        this.queryLabels = ints(in.get("query_labels"));
        boolean queryIsReference = in.get("query_is_reference").asBoolean();
        this.references = queryIsReference ? queries : matrix(in.get("reference_embeddings"));
        this.referenceLabels = queryIsReference ? queryLabels : ints(in.get("reference_labels"));
        if (queryIsReference) {
            this.mode = RetrievalMode.SELF;
        } else if (in.get("ref_includes_query").asBoolean()) {
            this.mode = RetrievalMode.QUERY_PREFIX_OF_REFERENCE;
        } else {
            this.mode = RetrievalMode.SEPARATE;
        }
    }

    /** Loads a case by file name. */
    public static GoldenRetrievalCase load(String file) {
        String path = "/golden/retrieval/" + file;
        try (InputStream in = GoldenRetrievalCase.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            return new GoldenRetrievalCase(file, new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Our metric name for a golden {@code own_metrics} name. */
    public static String ourName(String goldenName) {
        return RENAMED.getOrDefault(goldenName, goldenName);
    }

    /** The golden top-16 reference indices per query. */
    public int[][] top16() {
        JsonNode rows = root.get("own_metrics").get("top16_reference_indices_per_query");
        int[][] out = new int[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            out[i] = ints(rows.get(i));
        }
        return out;
    }

    /** References for the evaluator: null in SELF mode. */
    public double[][] referencesForEvaluator() {
        return mode == RetrievalMode.SELF ? null : references;
    }

    /** Reference labels for the evaluator: null in SELF mode. */
    public int[] referenceLabelsForEvaluator() {
        return mode == RetrievalMode.SELF ? null : referenceLabels;
    }

    public static double[][] matrix(JsonNode node) {
        double[][] out = new double[node.size()][];
        for (int i = 0; i < node.size(); i++) {
            JsonNode row = node.get(i);
            out[i] = new double[row.size()];
            for (int j = 0; j < row.size(); j++) {
                out[i][j] = row.get(j).asDouble();
            }
        }
        return out;
    }

    public static int[] ints(JsonNode node) {
        int[] out = new int[node.size()];
        for (int i = 0; i < node.size(); i++) {
            out[i] = node.get(i).asInt();
        }
        return out;
    }

    public static double[] doubles(JsonNode node) {
        double[] out = new double[node.size()];
        for (int i = 0; i < node.size(); i++) {
            out[i] = node.get(i).asDouble();
        }
        return out;
    }

    @Override
    public String toString() {
        return file;
    }
}
