package org.dml4j.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import org.dml4j.eval.MetricNames;
import org.dml4j.eval.MutualInformation;
import org.dml4j.eval.RetrievalEvaluation;
import org.dml4j.eval.RetrievalEvaluator;
import org.dml4j.eval.RetrievalMode;
import org.dml4j.index.ExactKnn;
import org.dml4j.index.KnnDistance;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;

/**
 * Checks a retrieval case ({@code dml-golden/retrieval/v1}) against {@link RetrievalEvaluator} with full ranking
 * (the golden files hold full-ranking mAP): the evaluated
 * queries and their relevant counts exactly, every {@code own_metrics} mean and per-query value, PML's
 * {@code AccuracyCalculator} results, the top-16 neighbours of every query exactly, and NMI/AMI computed
 * from the recorded faiss cluster ids. In float64 metrics must agree to 1e-9 (PML's float32-averaged
 * {@code mean_reciprocal_rank} to 1e-6) and NMI/AMI to 1e-12; in float32 everything to 1e-4. NMI and AMI of
 * DML4J's own k-means depend on the clustering, not on the formula, so they are only reported.
 */
final class RetrievalCaseCheck {
    /** Golden {@code own_metrics} names that differ from {@link MetricNames}. */
    private static final Map<String, String> RENAMED = Map.of(
            "average_precision", MetricNames.MAP,
            "average_precision_at_r", MetricNames.MAP_AT_R,
            "reciprocal_rank", MetricNames.MRR);
    /** PML {@code AccuracyCalculator} result names and DML4J's. */
    private static final Map<String, String> PML_NAMES = Map.of(
            "precision_at_1", MetricNames.precisionAt(1),
            "r_precision", MetricNames.R_PRECISION,
            "mean_average_precision_at_r", MetricNames.MAP_AT_R,
            "mean_average_precision", MetricNames.MAP,
            "mean_reciprocal_rank", MetricNames.MRR);
    private static final int TOP = 16;
    private static final double CLUSTER_FORMULA_TOLERANCE = 1e-12;

    private RetrievalCaseCheck() {
    }

    static CaseResult run(JsonNode root, DataType precision) {
        String id = root.path("case_id").asText("?");
        double tolerance = precision == DataType.DOUBLE ? 1e-9 : 1e-4;
        double mrrTolerance = precision == DataType.DOUBLE ? 1e-6 : 1e-4;
        JsonNode in = root.path("inputs");
        int[] queryLabels = GoldenJson.ints(in.get("query_labels"), "inputs.query_labels");
        INDArray queries = GoldenJson.embeddings(in.get("query_embeddings"), "inputs.query_embeddings", queryLabels,
                "inputs.query_labels", precision);
        RetrievalMode mode = mode(in);
        int[] referenceLabels = mode == RetrievalMode.SELF ? null
                : GoldenJson.ints(in.get("reference_labels"), "inputs.reference_labels");
        INDArray references = mode == RetrievalMode.SELF ? null : GoldenJson.embeddings(
                in.get("reference_embeddings"), "inputs.reference_embeddings", referenceLabels,
                "inputs.reference_labels", precision);
        RetrievalEvaluation eval = new RetrievalEvaluator().withFullRanking(true).evaluate(queries, queryLabels, references,
                referenceLabels, mode);

        JsonNode own = root.path("own_metrics");
        int[] evaluated = GoldenJson.ints(own.get("evaluated_query_indices"), "own_metrics.evaluated_query_indices");
        if (!Arrays.equals(evaluated, eval.evaluatedQueryIndices())) {
            return CaseResult.failure(id, "evaluated queries differ: " + Arrays.toString(eval.evaluatedQueryIndices()));
        }
        if (!Arrays.equals(GoldenJson.ints(own.get("num_relevant_per_evaluated_query"),
                "own_metrics.num_relevant_per_evaluated_query"), eval.numRelevantPerQuery())) {
            return CaseResult.failure(id, "relevant counts differ: " + Arrays.toString(eval.numRelevantPerQuery()));
        }
        Worst worst = new Worst();
        int metrics = 0;
        for (Iterator<String> it = own.path("means").fieldNames(); it.hasNext(); metrics++) {
            String golden = it.next();
            String ours = RENAMED.getOrDefault(golden, golden);
            if (!eval.means().containsKey(ours)) {
                return CaseResult.failure(id, "DML4J does not report " + ours + " (golden " + golden + ")");
            }
            worst.compare(ours + " mean", eval.means().get(ours),
                    GoldenJson.number(own.path("means").get(golden), "own_metrics.means." + golden), tolerance);
            double[] expected = numbers(own.path("per_query").get(golden), "own_metrics.per_query." + golden);
            double[] got = eval.perQuery(ours);
            GoldenJson.requireCount(expected.length, "own_metrics.per_query." + golden, got.length);
            for (int q = 0; q < expected.length; q++) {
                worst.compare(ours + " of query #" + q, got[q], expected[q], tolerance);
            }
        }
        if (metrics == 0) {
            throw new CaseFormatException("own_metrics.means is empty: the case compares no metric");
        }
        JsonNode pml = root.path("pml_accuracy_calculator").path("results");
        for (Map.Entry<String, String> e : PML_NAMES.entrySet()) {
            worst.compare("PML " + e.getKey(), eval.means().get(e.getValue()),
                    GoldenJson.number(pml.get(e.getKey()), "pml_accuracy_calculator.results." + e.getKey()),
                    e.getKey().equals("mean_reciprocal_rank") ? mrrTolerance : tolerance);
        }
        String topDifference = topDifference(own, queries, references == null ? queries : references,
                mode.excludesSameIndex());
        if (topDifference != null) {
            return CaseResult.failure(id, topDifference);
        }
        JsonNode recorded = root.path("nmi_ami_from_recorded_clusters");
        int[] clusters = GoldenJson.ints(recorded.get("cluster_labels_from_pml_faiss_kmeans"),
                "nmi_ami_from_recorded_clusters.cluster_labels_from_pml_faiss_kmeans");
        GoldenJson.requireCount(clusters.length, "nmi_ami_from_recorded_clusters.cluster_labels_from_pml_faiss_kmeans",
                queryLabels.length);
        worst.compare("NMI of the recorded clusters", MutualInformation.nmi(queryLabels, clusters),
                GoldenJson.number(recorded.get("NMI"), "nmi_ami_from_recorded_clusters.NMI"),
                CLUSTER_FORMULA_TOLERANCE);
        worst.compare("AMI of the recorded clusters", MutualInformation.ami(queryLabels, clusters),
                GoldenJson.number(recorded.get("AMI"), "nmi_ami_from_recorded_clusters.AMI"),
                CLUSTER_FORMULA_TOLERANCE);
        String detail = String.format("%d metrics, per query, PML results, top-%d, recorded-cluster NMI/AMI; "
                        + "worst at %s; info: own k-means NMI=%.4f AMI=%.4f (PML faiss k-means %.4f, %.4f)",
                metrics, TOP, worst.where, eval.nmi(), eval.ami(), pml.path("NMI").asDouble(Double.NaN),
                pml.path("AMI").asDouble(Double.NaN));
        return new CaseResult(id, worst.ratio <= 1, worst.ratio, detail);
    }

    private static RetrievalMode mode(JsonNode in) {
        if (!in.path("query_is_reference").isBoolean() || !in.path("ref_includes_query").isBoolean()) {
            throw new CaseFormatException("inputs.query_is_reference and inputs.ref_includes_query must be booleans");
        }
        if (in.get("query_is_reference").asBoolean()) {
            return RetrievalMode.SELF;
        }
        return in.get("ref_includes_query").asBoolean() ? RetrievalMode.QUERY_PREFIX_OF_REFERENCE
                : RetrievalMode.SEPARATE;
    }

    private static double[] numbers(JsonNode node, String what) {
        if (node == null || !node.isArray()) {
            throw new CaseFormatException("missing number array: " + what);
        }
        double[] out = new double[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = GoldenJson.number(node.get(i), what + "[" + i + "]");
        }
        return out;
    }

    /** The first query whose top-16 neighbours differ from the golden ones, or null. */
    private static String topDifference(JsonNode own, INDArray queries, INDArray references, boolean exclude) {
        JsonNode rows = own.get("top16_reference_indices_per_query");
        if (rows == null || !rows.isArray() || rows.size() != queries.rows()) {
            throw new CaseFormatException("own_metrics.top16_reference_indices_per_query needs one row per query");
        }
        int[][] got = new ExactKnn(KnnDistance.SQUARED_EUCLIDEAN).search(queries, references, TOP, exclude)
                .indices();
        for (int q = 0; q < got.length; q++) {
            int[] expected = GoldenJson.ints(rows.get(q), "own_metrics.top16_reference_indices_per_query[" + q + "]");
            if (!Arrays.equals(expected, got[q])) {
                return "top-" + TOP + " of query " + q + " is " + Arrays.toString(got[q]) + ", golden "
                        + Arrays.toString(expected);
            }
        }
        return null;
    }

    /** The worst error relative to its tolerance, and where it occurred. */
    private static final class Worst {
        private double ratio;
        private String where = "-";

        void compare(String what, double got, double expected, double tolerance) {
            double r = Math.abs(got - expected) / tolerance;
            if (Double.isNaN(r)) {
                r = Double.POSITIVE_INFINITY;
            }
            if (r > ratio || where.equals("-")) {
                ratio = r;
                where = String.format("%s (got %.12g, expected %.12g)", what, got, expected);
            }
        }
    }
}
