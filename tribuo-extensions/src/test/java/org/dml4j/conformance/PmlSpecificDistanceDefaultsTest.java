package org.dml4j.conformance;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.dml4j.loss.SignalToNoiseRatioContrastiveLoss;
import org.dml4j.loss.SoftTripleLoss;
import org.dml4j.loss.ThresholdConsistentMarginLoss;
import org.dml4j.loss.TupletMarginLoss;
import org.dml4j.loss.VICRegLoss;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * As {@link PmlDefaultsTest}, for the losses whose PML class requires a distance of its own (or none): a PML
 * configuration that leaves a parameter out gets DML4J's default, and a distance PML's class rejects is rejected.
 */
class PmlSpecificDistanceDefaultsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COSINE = "{\"pml_class\": \"CosineSimilarity\"}";
    private static final String MEAN = "{\"pml_class\": \"MeanReducer\"}";

    static Stream<Arguments> losses() {
        return Stream.of(
                Arguments.of("TupletMarginLoss", "{}", COSINE, MEAN, (Supplier<Object>) TupletMarginLoss::new),
                Arguments.of("ThresholdConsistentMarginLoss", "{}", COSINE, MEAN,
                        (Supplier<Object>) ThresholdConsistentMarginLoss::new),
                Arguments.of("SignalToNoiseRatioContrastiveLoss", "{}", "{\"pml_class\": \"SNRDistance\"}",
                        "{\"pml_class\": \"AvgNonZeroReducer\"}",
                        (Supplier<Object>) SignalToNoiseRatioContrastiveLoss::new),
                Arguments.of("SoftTripleLoss", "{\"num_classes\": 3, \"embedding_size\": 4}", COSINE, MEAN,
                        (Supplier<Object>) () -> new SoftTripleLoss(3, 4)),
                Arguments.of("VICRegLoss", "{}", "null", MEAN, (Supplier<Object>) VICRegLoss::new));
    }

    private static String spec(String pmlClass, String params, String distance, String reducer) {
        return "{\"pml_class\": \"" + pmlClass + "\", \"params\": " + params + ", \"distance\": " + distance
                + ", \"reducer\": " + reducer + "}";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void lossDefaultsAgree(String pmlClass, String params, String distance, String reducer,
                           Supplier<Object> defaults) throws Exception {
        Map<String, Double> expected = PmlDefaultsTest.numbers(defaults.get());
        assertFalse(expected.isEmpty(), pmlClass + " has configured numbers");
        assertEquals(expected, PmlDefaultsTest.numbers(PmlTranslator.loss(JSON.readTree(
                spec(pmlClass, params, distance, reducer)))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void aDistancePmlRejectsIsRejected(String pmlClass, String params, String distance, String reducer,
                                       Supplier<Object> defaults) {
        String other = pmlClass.equals("VICRegLoss") ? COSINE : "{\"pml_class\": \"LpDistance\"}";
        assertThrows(RuntimeException.class, () -> PmlTranslator.loss(JSON.readTree(spec(pmlClass, params, other,
                reducer))), pmlClass + " with " + other);
    }
}
