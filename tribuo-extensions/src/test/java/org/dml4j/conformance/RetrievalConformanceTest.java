package org.dml4j.conformance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The six public golden retrieval cases through the conformance runner, in float64 with the reference's
 * tolerances and in float32 with 1e-4, and proof that the check notices a wrong metric, a wrong neighbour and a wrong cluster score.
 */
class RetrievalConformanceTest {
    private static final String CASE = "retrieval_query_prefix_of_ref.json";

    private static Path golden() throws URISyntaxException {
        return Path.of(RetrievalConformanceTest.class.getResource("/golden/retrieval").toURI());
    }

    @TestFactory
    Stream<DynamicTest> retrievalFloat64() throws URISyntaxException {
        return cases(DataType.DOUBLE);
    }

    /** The inputs are exact in float32 and no ranking gap is below float32 resolution; tolerance 1e-4. */
    @TestFactory
    Stream<DynamicTest> retrievalFloat32() throws URISyntaxException {
        return cases(DataType.FLOAT);
    }

    private static Stream<DynamicTest> cases(DataType precision) throws URISyntaxException {
        List<CaseResult> results = new ConformanceRunner(precision).run(List.of(golden()));
        assertEquals(6, results.size());
        return results.stream().map(r -> DynamicTest.dynamicTest(r.id(), () -> {
            assertTrue(r.passed(), r.toLine());
            assertTrue(r.detail().contains("info: own k-means NMI="), r.detail());
        }));
    }

    private static CaseResult runAltered(Path dir, java.util.function.Consumer<ObjectNode> change)
            throws IOException, URISyntaxException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = (ObjectNode) mapper.readTree(golden().resolve(CASE).toFile());
        change.accept(root);
        Path file = dir.resolve(CASE);
        mapper.writeValue(file.toFile(), root);
        List<CaseResult> results = new ConformanceRunner(DataType.DOUBLE).run(List.of(file));
        assertEquals(1, results.size());
        return results.get(0);
    }

    @Test
    void aMetricOffBy1e8Fails(@TempDir Path dir) throws Exception {
        CaseResult r = runAltered(dir, root -> {
            ObjectNode means = (ObjectNode) root.path("own_metrics").path("means");
            means.put("ndcg_at_4", means.get("ndcg_at_4").asDouble() + 1e-8);
        });
        assertFalse(r.passed(), r.toLine());
        assertTrue(r.detail().contains("ndcg_at_4 mean"), r.detail());
    }

    @Test
    void aWrongNeighbourFails(@TempDir Path dir) throws Exception {
        CaseResult r = runAltered(dir, root -> {
            ArrayNode first = (ArrayNode) root.path("own_metrics").path("top16_reference_indices_per_query").get(0);
            first.set(15, first.get(14).asInt());
        });
        assertFalse(r.passed(), r.toLine());
        assertTrue(r.detail().startsWith("top-16 of query 0"), r.detail());
    }

    @Test
    void aWrongRecordedClusterScoreFailsButOwnKMeansIsOnlyInformation(@TempDir Path dir) throws Exception {
        CaseResult wrongFormula = runAltered(dir, root -> ((ObjectNode) root.path("nmi_ami_from_recorded_clusters"))
                .put("AMI", root.path("nmi_ami_from_recorded_clusters").get("AMI").asDouble() + 1e-9));
        assertFalse(wrongFormula.passed(), wrongFormula.toLine());
        CaseResult otherKMeans = runAltered(dir, root -> ((ObjectNode) root.path("pml_accuracy_calculator")
                .path("results")).put("NMI", 0.0));
        assertTrue(otherKMeans.passed(), otherKMeans.toLine());
    }

    @Test
    void truncatedOrEmptyExpectationsAreMalformed(@TempDir Path dir) throws Exception {
        CaseResult truncated = runAltered(dir, root -> {
            ArrayNode perQuery = (ArrayNode) root.path("own_metrics").path("per_query").path("ndcg_at_4");
            while (perQuery.size() > 2) {
                perQuery.remove(perQuery.size() - 1);
            }
        });
        assertTrue(truncated.malformed() && !truncated.passed(), truncated.toLine());
        assertTrue(truncated.detail().contains("own_metrics.per_query.ndcg_at_4 has 2 entries"), truncated.detail());
        CaseResult noMetrics = runAltered(dir, root -> ((ObjectNode) root.path("own_metrics")).putObject("means"));
        assertTrue(noMetrics.malformed() && !noMetrics.passed(), noMetrics.toLine());
        assertTrue(noMetrics.detail().contains("own_metrics.means is empty"), noMetrics.detail());
    }
}
