package org.dml4j.loss;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.Distance;
import org.dml4j.distance.LpDistance;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.PairTuples;
import org.dml4j.reduce.MeanReducer;
import org.dml4j.reduce.SumReducer;
import org.dml4j.testutil.FiniteDifferences;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The prototypical-network loss against the formula written in PyTorch (float64 autograd, cases and script in
 * {@code src/test/resources/torch-reference/}), against central finite differences with other distances and
 * reducers, and its input checks.
 */
class PrototypicalLossTest {

    /** Shuffled labels: three classes of four rows and one of three, support rows not first in the batch. */
    private static final int[] LABELS = {2, 0, 1, 2, 0, 5, 1, 0, 5, 2, 1, 0, 5, 1, 2};

    static List<JsonNode> torchCases() throws IOException {
        try (InputStream in = PrototypicalLossTest.class.getResourceAsStream(
                "/torch-reference/prototypical-loss.json")) {
            return StreamSupport.stream(new ObjectMapper().readTree(in).get("cases").spliterator(), false).toList();
        }
    }

    @ParameterizedTest
    @MethodSource("torchCases")
    void matchesPyTorch(JsonNode c) {
        int[] labels = StreamSupport.stream(c.get("labels").spliterator(), false).mapToInt(JsonNode::asInt)
                .toArray();
        Distance distance = c.get("distance").asText().equals("cosine") ? new CosineSimilarity()
                : new LpDistance(false, 2);
        LossResult result = new PrototypicalLoss(c.get("shot").asInt(), distance, new MeanReducer())
                .compute(matrix(c.get("embeddings")), labels);
        double expected = c.get("loss").asDouble();
        assertEquals(expected, result.value(), 1e-12 + 1e-10 * Math.abs(expected), c.get("name").asText());
        INDArray grad = matrix(c.get("grad"));
        double worst = grad.sub(result.embeddingGradient()).amaxNumber().doubleValue();
        assertTrue(worst <= 1e-12 + 1e-9 * grad.amaxNumber().doubleValue(), c.get("name") + ": gradient off by "
                + worst);
    }

    private static INDArray matrix(JsonNode rows) {
        double[][] out = new double[rows.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = StreamSupport.stream(rows.get(i).spliterator(), false).mapToDouble(JsonNode::asDouble)
                    .toArray();
        }
        return Nd4j.create(out);
    }

    static List<PrototypicalLoss> losses() {
        return List.of(new PrototypicalLoss(2), new PrototypicalLoss(1, new CosineSimilarity(), new SumReducer()),
                new PrototypicalLoss(2, new LpDistance(true, 1), new MeanReducer()));
    }

    @ParameterizedTest
    @MethodSource("losses")
    void gradientMatchesFiniteDifferences(PrototypicalLoss loss) {
        INDArray x = FiniteDifferences.clustered(LABELS, 5, 11).muli(0.7);
        INDArray analytic = loss.compute(x, LABELS).embeddingGradient();
        double error = FiniteDifferences.relativeError(e -> loss.compute(e, LABELS).value(), x, analytic);
        assertTrue(error < 1e-6, loss + ": relative error " + error);
        assertFalse(analytic.getRow(0).sum().getDouble(0) == 0 && analytic.getRow(2).sum().getDouble(0) == 0,
                "support rows of a class get a gradient through its prototype");
    }

    @Test
    void float32GivesTheFloat64Values() {
        INDArray x = FiniteDifferences.clustered(LABELS, 5, 4);
        PrototypicalLoss loss = new PrototypicalLoss(2);
        LossResult exact = loss.compute(x, LABELS);
        LossResult single = loss.compute(x.castTo(DataType.FLOAT), LABELS);
        assertEquals(DataType.FLOAT, single.embeddingGradient().dataType());
        assertEquals(exact.value(), single.value(), 1e-5 * Math.abs(exact.value()));
        double worst = exact.embeddingGradient().sub(single.embeddingGradient().castTo(DataType.DOUBLE))
                .amaxNumber().doubleValue();
        assertTrue(worst < 1e-5, "float32 gradient off by " + worst);
    }

    @Test
    void wellSeparatedEpisodeHasNearlyNoLoss() {
        int[] labels = {0, 1, 0, 1};
        INDArray x = Nd4j.create(new double[][]{{0, 0}, {10, 10}, {0.1, 0}, {10, 9.9}});
        LossResult result = new PrototypicalLoss(1).compute(x, labels);
        // queries at squared distance 0.01 from their own prototype and about 200 from the other
        assertEquals(0.0, result.value(), 1e-80);
        // swapped labels: each query lies next to the other class's prototype (squared distance 0.01) and
        // 198.01 from its own, so its term is 198.01 - 0.01 + log(1 + e^-198) = 198
        LossResult swapped = new PrototypicalLoss(1).compute(x, new int[]{0, 1, 1, 0});
        assertEquals(198.0, swapped.value(), 1e-9);
    }

    @Test
    void rejectsBatchesItCannotSplit() {
        PrototypicalLoss loss = new PrototypicalLoss(2);
        INDArray x = FiniteDifferences.clustered(new int[]{0, 0, 0, 7, 7}, 3, 1);
        IllegalArgumentException tooFew = assertThrows(IllegalArgumentException.class,
                () -> loss.compute(x, new int[]{0, 0, 0, 7, 7}));
        assertTrue(tooFew.getMessage().contains("class label 7 has 2 rows")
                && tooFew.getMessage().contains("EpisodeSampler"), tooFew.getMessage());
        IndexTuples tuples = PairTuples.all(new int[]{0, 0, 0, 7, 7});
        assertThrows(IllegalArgumentException.class, () -> loss.compute(x, new int[]{0, 0, 0, 7, 7}, tuples));
        assertFalse(loss.acceptsTuples());
        assertFalse(loss.acceptsReferences());
        PropertyException zero = assertThrows(PropertyException.class, () -> new PrototypicalLoss(0));
        assertTrue(zero.getMessage().contains("shot must be >= 1"), zero.getMessage());
    }
}
