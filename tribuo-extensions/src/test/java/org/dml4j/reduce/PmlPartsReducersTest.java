package org.dml4j.reduce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.conformance.PmlTranslator;
import org.dml4j.loss.ContrastiveLoss;
import org.dml4j.loss.SupConLoss;
import org.dml4j.loss.TripletMarginLoss;
import org.dml4j.loss.MetricLoss;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DoNothingReducer against PML's own unreduced terms (the {@code debug.unreduced_sub_losses} of the public golden
 * loss cases, computed by PML with {@code reducer=DoNothingReducer()}), and the rules of ClassWeightedReducer and
 * MultipleReducers.
 */
class PmlPartsReducersTest {

    private static final List<String> CASES = List.of("contrastive__random1", "contrastive__random2",
            "contrastive_cosine__random1", "triplet_m02_all__random1", "triplet_m005_all__random2",
            "supcon__random1", "supcon__random2");

    private static JsonNode golden(String name) throws IOException {
        try (InputStream in = PmlPartsReducersTest.class.getResourceAsStream("/golden/losses/" + name + ".json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    @TestFactory
    Stream<DynamicTest> doNothingKeepsPmlsUnreducedTerms() {
        return CASES.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            JsonNode root = golden(name);
            ObjectNode spec = root.get("loss").deepCopy();
            spec.set("reducer", new ObjectMapper().readTree("{\"pml_class\": \"DoNothingReducer\"}"));
            MetricLoss loss = PmlTranslator.loss(spec);
            DoNothingReducer reducer = (DoNothingReducer) reducerOf(loss);
            int[] labels = new ObjectMapper().treeToValue(root.at("/inputs/labels"), int[].class);
            double[][] rows = new ObjectMapper().treeToValue(root.at("/inputs/embeddings"), double[][].class);
            loss.compute(Nd4j.create(rows).castTo(DataType.DOUBLE), labels);
            List<LossTerms> recorded = reducer.take();
            JsonNode expected = root.at("/debug/unreduced_sub_losses");
            assertEquals(expected.size(), recorded.size(), "sub-losses");
            for (LossTerms terms : recorded) {
                JsonNode pml = expected.get(terms.name());
                assertTrue(pml != null, "PML has no sub-loss " + terms.name());
                double[] values = new ObjectMapper().treeToValue(pml.get("losses"), double[].class);
                assertArrayEquals(values, terms.values(), 1e-12, terms.name());
                JsonNode indices = pml.get("indices");
                // element terms index the rows; pair and triplet terms list their anchors first
                int[] anchors = new ObjectMapper().treeToValue(indices.get(0).isArray() ? indices.get(0) : indices,
                        int[].class);
                assertArrayEquals(anchors, terms.anchors(), terms.name());
            }
            assertEquals(List.of(), reducer.take(), "take() clears the record");
        }));
    }

    private static Reducer reducerOf(MetricLoss loss) {
        if (loss instanceof ContrastiveLoss c) {
            return c.reducer();
        }
        if (loss instanceof TripletMarginLoss t) {
            return t.reducer();
        }
        return ((SupConLoss) loss).reducer();
    }

    @Test
    void classWeightedWeighsEachTermByItsAnchorsClass() {
        LossTerms terms = LossTerms.of(new double[]{1, 2, 3}, new int[]{0, 2, 1}, 3).withLabels(new int[]{1, 0, 1});
        double[] weights = new double[3];
        double value = new ClassWeightedReducer(new double[]{10, 100}).reduce(terms, weights);
        assertEquals((100 * 1 + 100 * 2 + 10 * 3) / 3.0, value, 1e-12);
        assertArrayEquals(new double[]{100 / 3.0, 100 / 3.0, 10 / 3.0}, weights, 1e-12);
        IllegalStateException noLabels = assertThrows(IllegalStateException.class,
                () -> new ClassWeightedReducer(new double[]{1}).reduce(LossTerms.perElement(new double[]{1})));
        assertTrue(noLabels.getMessage().contains("labels"), noLabels.getMessage());
        IllegalArgumentException noWeight = assertThrows(IllegalArgumentException.class, () -> new ClassWeightedReducer(
                new double[]{1}).reduce(LossTerms.perElement(new double[]{1}).withLabels(new int[]{3})));
        assertTrue(noWeight.getMessage().contains("label 3"), noWeight.getMessage());
        assertThrows(PropertyException.class, () -> new ClassWeightedReducer(new double[0]));
    }

    @Test
    void multipleReducersDispatchOnTheSubLossName() {
        MultipleReducers reducers = new MultipleReducers(Map.of("pos_loss", new SumReducer()), new MeanReducer());
        double[] values = {1, 2, 3};
        assertEquals(6, reducers.reduce(LossTerms.perElement(values).named("pos_loss")), 1e-15);
        assertEquals(2, reducers.reduce(LossTerms.perElement(values).named("neg_loss")), 1e-15);
        assertEquals(2, reducers.reduce(LossTerms.perElement(values)), 1e-15);
    }

    @Test
    void doNothingReturnsTheSum() {
        double[] weights = new double[3];
        assertEquals(6, new DoNothingReducer().reduce(LossTerms.perElement(new double[]{1, 2, 3}), weights), 0);
        assertArrayEquals(new double[]{1, 1, 1}, weights);
    }
}
