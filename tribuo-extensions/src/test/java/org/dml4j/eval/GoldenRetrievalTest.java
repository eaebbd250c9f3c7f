package org.dml4j.eval;

import com.fasterxml.jackson.databind.JsonNode;
import org.dml4j.index.KnnDistance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks the evaluator against the six golden retrieval cases (float64 computation).
 */
class GoldenRetrievalTest {
    private static final double TOL = 1e-9;
    /** PML averages MRR in float32. */
    private static final double MRR_TOL = 1e-6;
    /**
     * Our k-means (k-means++ seeding, Lloyd to convergence) is not faiss's (its own sampling, 20 iterations),
     * so the clusters differ and NMI/AMI with them. With seed 1234 the largest gap to PML over the six cases
     * is 0.11 (AMI of query_ref_disjoint, 0.43 vs 0.32); a different local optimum on these 20-150 point sets
     * can move either score by that much, so only a 0.2 band is checked. The formulas themselves are checked
     * to 1e-12 with the recorded faiss clusters.
     */
    private static final double KMEANS_NMI_TOL = 0.2;

    static Stream<GoldenRetrievalCase> cases() {
        return GoldenRetrievalCase.FILES.stream().map(GoldenRetrievalCase::load);
    }

    private static RetrievalEvaluation evaluate(GoldenRetrievalCase c, int blockSize) {
        RetrievalEvaluator evaluator = new RetrievalEvaluator(new int[]{1, 2, 4, 8, 16},
                KnnDistance.SQUARED_EUCLIDEAN, blockSize, true, RetrievalEvaluator.DEFAULT_SEED).withFullRanking(true);
        return evaluator.evaluate(c.queries, c.queryLabels, c.referencesForEvaluator(),
                c.referenceLabelsForEvaluator(), c.mode);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void ownMetricsMatch(GoldenRetrievalCase c) {
        RetrievalEvaluation eval = evaluate(c, 16);
        JsonNode own = c.root.get("own_metrics");
        assertArrayEquals(GoldenRetrievalCase.ints(own.get("evaluated_query_indices")), eval.evaluatedQueryIndices());
        assertArrayEquals(GoldenRetrievalCase.ints(own.get("num_relevant_per_evaluated_query")),
                eval.numRelevantPerQuery());
        assertEquals(c.queryLabels.length - own.get("num_evaluated_queries").asInt(), eval.numLoneQueries());
        List<String> expectedNames = iterable(own.get("means").fieldNames()).stream()
                .map(GoldenRetrievalCase::ourName).sorted().collect(Collectors.toList());
        assertEquals(expectedNames, eval.metricNames().stream().sorted().collect(Collectors.toList()));
        for (String golden : iterable(own.get("means").fieldNames())) {
            String ours = GoldenRetrievalCase.ourName(golden);
            assertEquals(own.get("means").get(golden).asDouble(), eval.means().get(ours), TOL, ours);
            double[] expected = GoldenRetrievalCase.doubles(own.get("per_query").get(golden));
            double[] got = eval.perQuery(ours);
            assertEquals(expected.length, got.length, ours);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], got[i], TOL, ours + " query #" + i);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void pmlAccuracyCalculatorMatches(GoldenRetrievalCase c) {
        Map<String, Double> means = evaluate(c, 7).means();
        JsonNode pml = c.root.get("pml_accuracy_calculator").get("results");
        assertEquals(pml.get("precision_at_1").asDouble(), means.get("precision_at_1"), TOL);
        assertEquals(pml.get("r_precision").asDouble(), means.get(MetricNames.R_PRECISION), TOL);
        assertEquals(pml.get("mean_average_precision_at_r").asDouble(), means.get(MetricNames.MAP_AT_R), TOL);
        assertEquals(pml.get("mean_average_precision").asDouble(), means.get(MetricNames.MAP), TOL);
        assertEquals(pml.get("mean_reciprocal_rank").asDouble(), means.get(MetricNames.MRR), MRR_TOL);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void nmiAmiExactFromRecordedClusters(GoldenRetrievalCase c) {
        JsonNode rec = c.root.get("nmi_ami_from_recorded_clusters");
        int[] clusters = GoldenRetrievalCase.ints(rec.get("cluster_labels_from_pml_faiss_kmeans"));
        assertEquals(rec.get("NMI").asDouble(), MutualInformation.nmi(c.queryLabels, clusters), 1e-12);
        assertEquals(rec.get("AMI").asDouble(), MutualInformation.ami(c.queryLabels, clusters), 1e-12);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void kmeansNmiIsClose(GoldenRetrievalCase c) {
        RetrievalEvaluation eval = evaluate(c, 1000);
        JsonNode pml = c.root.get("pml_accuracy_calculator").get("results");
        assertEquals(pml.get("NMI").asDouble(), eval.nmi(), KMEANS_NMI_TOL, "NMI");
        assertEquals(pml.get("AMI").asDouble(), eval.ami(), KMEANS_NMI_TOL, "AMI");
    }

    @Test
    void everyCaseIsPresent() {
        assertEquals(6, cases().count());
        assertTrue(cases().allMatch(c -> c.queries.length > 0));
    }

    private static <T> List<T> iterable(Iterator<T> it) {
        List<T> list = new java.util.ArrayList<>();
        it.forEachRemaining(list::add);
        return list;
    }
}
