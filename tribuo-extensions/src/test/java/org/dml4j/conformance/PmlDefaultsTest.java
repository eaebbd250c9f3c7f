package org.dml4j.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.DoubleProvenance;
import org.dml4j.loss.AngularLoss;
import org.dml4j.loss.ArcFaceLoss;
import org.dml4j.loss.CircleLoss;
import org.dml4j.loss.ContrastiveLoss;
import org.dml4j.loss.CosFaceLoss;
import org.dml4j.loss.GeneralizedLiftedStructureLoss;
import org.dml4j.loss.InstanceLoss;
import org.dml4j.loss.IntraPairVarianceLoss;
import org.dml4j.loss.LargeMarginSoftmaxLoss;
import org.dml4j.loss.LiftedStructureLoss;
import org.dml4j.loss.ManifoldLoss;
import org.dml4j.loss.MarginLoss;
import org.dml4j.loss.MultiSimilarityLoss;
import org.dml4j.loss.NCALoss;
import org.dml4j.loss.NTXentLoss;
import org.dml4j.loss.NormalizedSoftmaxLoss;
import org.dml4j.loss.PNPLoss;
import org.dml4j.loss.ProxyAnchorLoss;
import org.dml4j.loss.ProxyNCALoss;
import org.dml4j.loss.SmoothAPLoss;
import org.dml4j.loss.SphereFaceLoss;
import org.dml4j.loss.SubCenterArcFaceLoss;
import org.dml4j.loss.SupConLoss;
import org.dml4j.loss.TripletMarginLoss;
import org.dml4j.mining.MultiSimilarityMiner;
import org.dml4j.mining.PairMarginMiner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A PML configuration that leaves a parameter out gets the same value as the DML4J component built with its
 * defaults: the translator and the component read one constant per default.
 */
class PmlDefaultsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Arguments> losses() {
        return Stream.of(
                Arguments.of("ContrastiveLoss", (Supplier<Object>) ContrastiveLoss::new),
                Arguments.of("TripletMarginLoss", (Supplier<Object>) TripletMarginLoss::new),
                Arguments.of("MarginLoss", (Supplier<Object>) MarginLoss::new),
                Arguments.of("LiftedStructureLoss", (Supplier<Object>) LiftedStructureLoss::new),
                Arguments.of("MultiSimilarityLoss", (Supplier<Object>) MultiSimilarityLoss::new),
                Arguments.of("NTXentLoss", (Supplier<Object>) NTXentLoss::new),
                Arguments.of("SupConLoss", (Supplier<Object>) SupConLoss::new),
                Arguments.of("CircleLoss", (Supplier<Object>) CircleLoss::new),
                Arguments.of("NCALoss", (Supplier<Object>) NCALoss::new),
                Arguments.of("PNPLoss", (Supplier<Object>) PNPLoss::new),
                Arguments.of("SmoothAPLoss", (Supplier<Object>) SmoothAPLoss::new),
                Arguments.of("ProxyNCALoss", (Supplier<Object>) () -> new ProxyNCALoss(3, 4)),
                Arguments.of("ProxyAnchorLoss", (Supplier<Object>) () -> new ProxyAnchorLoss(3, 4)),
                Arguments.of("ArcFaceLoss", (Supplier<Object>) () -> new ArcFaceLoss(3, 4)),
                Arguments.of("CosFaceLoss", (Supplier<Object>) () -> new CosFaceLoss(3, 4)),
                Arguments.of("AngularLoss", (Supplier<Object>) AngularLoss::new),
                Arguments.of("GeneralizedLiftedStructureLoss", (Supplier<Object>) GeneralizedLiftedStructureLoss::new),
                Arguments.of("IntraPairVarianceLoss", (Supplier<Object>) IntraPairVarianceLoss::new),
                Arguments.of("InstanceLoss", (Supplier<Object>) InstanceLoss::new),
                Arguments.of("NormalizedSoftmaxLoss", (Supplier<Object>) () -> new NormalizedSoftmaxLoss(3, 4)),
                Arguments.of("LargeMarginSoftmaxLoss", (Supplier<Object>) () -> new LargeMarginSoftmaxLoss(3, 4)),
                Arguments.of("SphereFaceLoss", (Supplier<Object>) () -> new SphereFaceLoss(3, 4)),
                Arguments.of("SubCenterArcFaceLoss", (Supplier<Object>) () -> new SubCenterArcFaceLoss(3, 4)));
    }

    static Stream<Arguments> miners() {
        return Stream.of(
                Arguments.of("MultiSimilarityMiner", (Supplier<Object>) MultiSimilarityMiner::new),
                Arguments.of("PairMarginMiner", (Supplier<Object>) PairMarginMiner::new));
    }

    private static JsonNode spec(String pmlClass, boolean classParameters) throws Exception {
        String params = classParameters ? "{\"num_classes\": 3, \"embedding_size\": 4}" : "{}";
        // PML's AngularLoss asserts a normalized LpDistance; the others take the cosine similarity.
        String distance = pmlClass.equals("AngularLoss") ? "LpDistance" : "CosineSimilarity";
        return JSON.readTree("{\"pml_class\": \"" + pmlClass + "\", \"params\": " + params + ", \"distance\": "
                + "{\"pml_class\": \"" + distance + "\"}, \"reducer\": {\"pml_class\": \"MeanReducer\"}}");
    }

    /** The configured numbers of a component (its margins, scales and temperatures). */
    static Map<String, Double> numbers(Object component) {
        Map<String, Double> out = new TreeMap<>();
        @SuppressWarnings("unchecked")
        ConfiguredObjectProvenance provenance =
                ((Provenancable<ConfiguredObjectProvenance>) component).getProvenance();
        for (Map.Entry<String, Provenance> e : provenance.getConfiguredParameters().entrySet()) {
            if (e.getValue() instanceof DoubleProvenance d) {
                out.put(e.getKey(), d.getValue());
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void lossDefaultsAgree(String pmlClass, Supplier<Object> defaults) throws Exception {
        boolean classParameters = pmlClass.startsWith("Proxy") || pmlClass.endsWith("FaceLoss")
                || pmlClass.endsWith("SoftmaxLoss");
        Map<String, Double> expected = numbers(defaults.get());
        assertFalse(expected.isEmpty(), pmlClass + " has configured numbers");
        assertEquals(expected, numbers(PmlTranslator.loss(spec(pmlClass, classParameters))));
    }

    @Test
    void manifoldDefaultsAgreeWithPmlsKOf50() throws Exception {
        ManifoldLoss loss = (ManifoldLoss) PmlTranslator.loss(JSON.readTree("{\"pml_class\": \"ManifoldLoss\", "
                + "\"params\": {\"l\": 4}, \"distance\": {\"pml_class\": \"CosineSimilarity\"}, "
                + "\"reducer\": {\"pml_class\": \"MeanReducer\"}}"));
        assertEquals(50, loss.numClasses());
        assertEquals(4, loss.embeddingSize());
        Map<String, Double> expected = numbers(new ManifoldLoss(50, 4));
        assertEquals(3, expected.size(), "lambdaC, alpha, margin: " + expected);
        assertEquals(expected, numbers(loss));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("miners")
    void minerDefaultsAgree(String pmlClass, Supplier<Object> defaults) throws Exception {
        Map<String, Double> expected = numbers(defaults.get());
        assertFalse(expected.isEmpty(), pmlClass + " has configured numbers");
        assertEquals(expected, numbers(PmlTranslator.miner(spec(pmlClass, false))));
    }
}
