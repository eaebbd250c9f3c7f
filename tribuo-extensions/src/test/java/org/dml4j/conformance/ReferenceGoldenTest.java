package org.dml4j.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dml4j.loss.CrossBatchMemoryLoss;
import org.dml4j.loss.LossResult;
import org.dml4j.loss.MetricLoss;
import org.dml4j.loss.ReferenceLossResult;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.Miner;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PML 2.8.1's values for losses against a reference set ({@code ref_*.json}: {@code loss(embeddings, labels,
 * indices_tuple, ref_emb, ref_labels)}, with the miner's {@code miner(embeddings, labels, ref_emb, ref_labels)}) and
 * for its {@code CrossBatchMemory} wrapper over a sequence of batches ({@code xbm_*.json}), written by
 * {@code experiments/bench/pml-reference-sets.py}; checked with the golden schema's tolerances.
 */
class ReferenceGoldenTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<Path> cases(String prefix) throws URISyntaxException, IOException {
        Path folder = Path.of(ReferenceGoldenTest.class.getResource("/golden-ref").toURI());
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
    }

    private static INDArray matrix(JsonNode node, String what, DataType precision) {
        return Nd4j.create(GoldenJson.matrix(node, what)).castTo(precision);
    }

    private static double gradientRatio(Tolerance tolerance, INDArray got, JsonNode expected, String what) {
        return tolerance.gradientRatio(got.castTo(DataType.DOUBLE).dup('c').data().asDouble(),
                GoldenJson.flatten(GoldenJson.matrix(expected, what)));
    }

    @TestFactory
    Stream<DynamicTest> lossesAgainstAReferenceSet() throws URISyntaxException, IOException {
        return cases("ref_").stream().flatMap(file -> Stream.of(DataType.DOUBLE, DataType.FLOAT).map(precision ->
                DynamicTest.dynamicTest(file.getFileName() + " " + precision, () -> checkReference(file, precision))));
    }

    private static void checkReference(Path file, DataType precision) throws IOException {
        JsonNode root = JSON.readTree(file.toFile());
        JsonNode inputs = root.path("inputs");
        int[] labels = GoldenJson.ints(inputs.get("labels"), "inputs.labels");
        int[] refLabels = GoldenJson.ints(inputs.get("ref_labels"), "inputs.ref_labels");
        INDArray embeddings = matrix(inputs.get("embeddings"), "inputs.embeddings", precision);
        INDArray references = matrix(inputs.get("ref_embeddings"), "inputs.ref_embeddings", precision);
        MetricLoss loss = PmlTranslator.loss(root.path("loss"));
        IndexTuples tuples = null;
        if (!root.path("miner").isNull()) {
            Miner miner = PmlTranslator.miner(root.path("miner"));
            tuples = miner.mine(embeddings, labels, references, refLabels);
            assertEquals(null, TupleRows.of(tuples).differenceFrom(TupleRows.fromColumns(root.path("mined_indices"))));
        }
        ReferenceLossResult result = loss.compute(embeddings, labels, tuples, references, refLabels);
        JsonNode expected = root.path("expected");
        Tolerance tolerance = Tolerance.forPrecision(precision);
        double worst = Math.max(tolerance.lossRatio(result.value(), GoldenJson.number(expected.get("loss"), "loss")),
                Math.max(gradientRatio(tolerance, result.queryGradient(), expected.get("grad_embeddings"),
                                "expected.grad_embeddings"),
                        gradientRatio(tolerance, result.referenceGradient(), expected.get("grad_ref_embeddings"),
                                "expected.grad_ref_embeddings")));
        assertTrue(worst <= 1, "error / tolerance " + worst + ", loss " + result.value());
    }

    @TestFactory
    Stream<DynamicTest> crossBatchMemoryOverSeveralBatches() throws URISyntaxException, IOException {
        return cases("xbm_").stream().flatMap(file -> Stream.of(DataType.DOUBLE, DataType.FLOAT).map(precision ->
                DynamicTest.dynamicTest(file.getFileName() + " " + precision, () -> checkMemory(file, precision))));
    }

    private static void checkMemory(Path file, DataType precision) throws IOException {
        JsonNode root = JSON.readTree(file.toFile());
        Miner miner = root.path("miner").isNull() ? null : PmlTranslator.miner(root.path("miner"));
        CrossBatchMemoryLoss xbm = new CrossBatchMemoryLoss(PmlTranslator.loss(root.path("loss")), miner,
                root.path("inputs").path("memory_size").asInt());
        Tolerance tolerance = Tolerance.forPrecision(precision);
        int step = 0;
        for (JsonNode batch : root.path("inputs").path("steps")) {
            int[] labels = GoldenJson.ints(batch.get("labels"), "labels");
            LossResult result = xbm.compute(matrix(batch.get("embeddings"), "embeddings", precision), labels, null);
            JsonNode expected = batch.path("expected");
            double worst = Math.max(tolerance.lossRatio(result.value(),
                    GoldenJson.number(expected.get("loss"), "loss")), gradientRatio(tolerance,
                    result.embeddingGradient(), expected.get("grad_embeddings"), "grad_embeddings"));
            assertTrue(worst <= 1, "step " + step + ": error / tolerance " + worst + ", loss " + result.value());
            step++;
        }
    }

    @Test
    void everyCaseIsFound() throws URISyntaxException, IOException {
        assertEquals(11 + 4, cases("ref_").size());
        assertEquals(4, cases("xbm_").size());
    }
}
