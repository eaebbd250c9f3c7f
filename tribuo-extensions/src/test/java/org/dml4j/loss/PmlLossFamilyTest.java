package org.dml4j.loss;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.DotProductSimilarity;
import org.dml4j.distance.LpDistance;
import org.dml4j.mining.PairTuples;
import org.dml4j.reduce.MeanReducer;
import org.dml4j.testutil.FiniteDifferences;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the golden cases do not show of the angular, generalized lifted structure, intra-pair variance, instance,
 * normalized softmax, L-Softmax, SphereFace and sub-center ArcFace losses: configuration errors, sub-center weights
 * and PML's {@code get_outliers}, the limits PML also has (no tuples, no reference set), L-Softmax with margin 1 as the
 * plain softmax of scaled inner products, and OLCUT configuration.
 */
class PmlLossFamilyTest {

    private static final int[] LABELS = {0, 1, 2, 0, 1, 2, 0, 1, 3, 3, 2, 0};
    private static final int DIM = 6;

    @Test
    void badConfigurationsAreRejectedWithTheReason() {
        Map<Executable, String> cases = Map.of(
                () -> new LargeMarginSoftmaxLoss(4, DIM, 0, 1), "integer margin m >= 1",
                () -> new SphereFaceLoss(4, DIM, -2, 1), "found -2",
                () -> new LargeMarginSoftmaxLoss(4, DIM, 4, 0), "scale > 0",
                () -> new SubCenterArcFaceLoss(4, DIM, 28.6, 64, 0), "subCenters >= 1",
                () -> new NormalizedSoftmaxLoss(4, DIM, 0, new CosineSimilarity(), new MeanReducer()),
                "temperature > 0",
                () -> new NormalizedSoftmaxLoss(4, DIM, 0.05, new DotProductSimilarity(), new MeanReducer()),
                "normalizes the embeddings",
                () -> new AngularLoss(90, new CosineSimilarity(), new MeanReducer()), "(0, 90) degrees",
                () -> new AngularLoss(40, new LpDistance(), new MeanReducer()), "use CosineSimilarity",
                () -> new InstanceLoss(0, new CosineSimilarity(), new MeanReducer()), "gamma > 0",
                () -> new IntraPairVarianceLoss(-0.1, 0.01, new CosineSimilarity(), new MeanReducer()), ">= 0");
        cases.forEach((make, reason) -> {
            PropertyException e = assertThrows(PropertyException.class, make);
            assertTrue(e.getMessage().contains(reason), e.getMessage());
        });
    }

    @Test
    void subCenterWeightsHaveKRowsPerClass() {
        SubCenterArcFaceLoss loss = new SubCenterArcFaceLoss(4, DIM);
        assertEquals(12, loss.classVectors().rows());
        assertEquals(15, new SubCenterArcFaceLoss(0, 0).forTraining(1, 5, DIM).classVectors().rows());
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> loss.setClassVectors(Nd4j.zeros(DataType.FLOAT, 4, DIM)));
        assertTrue(wrong.getMessage().contains("12 x 6"), wrong.getMessage());
        IllegalArgumentException label = assertThrows(IllegalArgumentException.class,
                () -> new SubCenterArcFaceLoss(3, DIM).compute(FiniteDifferences.clustered(LABELS, DIM, 1), LABELS));
        assertTrue(label.getMessage().contains("outside [0, 3)"), label.getMessage());
    }

    /** PML's get_outliers on the golden sub-center cases (recorded by the generator in debug.pml_get_outliers). */
    @ParameterizedTest
    @ValueSource(strings = {"sub_center_arcface__random1", "sub_center_arcface__random2",
            "sub_center_arcface__edge_all_same_label", "sub_center_arcface_k2__edge_duplicate_embeddings"})
    void outliersMatchPml(String caseId) throws IOException {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("/golden/losses/" + caseId + ".json")) {
            root = new ObjectMapper().readTree(in);
        }
        JsonNode inputs = root.path("inputs");
        JsonNode params = root.path("loss").path("params");
        SubCenterArcFaceLoss loss = new SubCenterArcFaceLoss(params.get("num_classes").asInt(),
                params.get("embedding_size").asInt(), params.get("margin").asDouble(),
                params.get("scale").asDouble(), params.get("sub_centers").asInt());
        INDArray weights = Nd4j.create(matrix(inputs.get("W"))).transpose().dup('c');
        loss.setClassVectors(weights);
        int[] labels = new ObjectMapper().convertValue(inputs.get("labels"), int[].class);
        SubCenterArcFaceLoss.Outliers got = loss.outliers(Nd4j.create(matrix(inputs.get("embeddings"))), labels,
                SubCenterArcFaceLoss.DEFAULT_OUTLIER_THRESHOLD_DEGREES);
        JsonNode pml = root.path("debug").path("pml_get_outliers");
        assertArrayEquals(new ObjectMapper().convertValue(pml.get("outliers"), int[].class), got.indices());
        INDArray centers = got.dominantCenters(weights);
        JsonNode present = pml.get("classes_present");
        for (int k = 0; k < present.size(); k++) {
            int c = present.get(k).asInt();
            assertArrayEquals(matrix(pml.get("dominant_centers_of_present_classes"))[k],
                    centers.getRow(c).toDoubleVector(), 0, "class " + c);
        }
        for (int c = 0; c < got.dominantSubCenter().length; c++) {
            if (got.dominantSubCenter()[c] < 0) {
                assertEquals(0, centers.getRow(c).norm2Number().doubleValue(), "absent class " + c);
            }
        }
    }

    private static double[][] matrix(JsonNode node) {
        return new ObjectMapper().convertValue(node, double[][].class);
    }

    @Test
    void instanceAndAngularTakeNoReferenceSetAndInstanceNoTuples() {
        INDArray x = FiniteDifferences.clustered(LABELS, DIM, 4);
        for (MetricLoss loss : new MetricLoss[]{new AngularLoss(), new InstanceLoss()}) {
            assertFalse(loss.acceptsReferences());
            assertThrows(UnsupportedOperationException.class, () -> loss.compute(x, LABELS, null, x, LABELS));
        }
        IllegalArgumentException tuples = assertThrows(IllegalArgumentException.class,
                () -> new InstanceLoss().compute(x, LABELS, PairTuples.all(LABELS)));
        assertTrue(tuples.getMessage().contains("no mined tuples"), tuples.getMessage());
        assertTrue(new GeneralizedLiftedStructureLoss().acceptsReferences());
        assertTrue(new IntraPairVarianceLoss().acceptsReferences());
    }

    /**
     * With margin 1, psi(theta) = cos(theta): L-Softmax is the softmax of {@code s x·w_c}, SphereFace of
     * {@code s ||x|| cos}.
     */
    @Test
    void marginOneIsThePlainSoftmaxOfScaledInnerProducts() {
        INDArray x = FiniteDifferences.clustered(LABELS, DIM, 9);
        LargeMarginSoftmaxLoss lsoftmax = new LargeMarginSoftmaxLoss(4, DIM, 1, 0.7);
        SphereFaceLoss sphere = new SphereFaceLoss(4, DIM, 1, 0.7);
        INDArray w = lsoftmax.classVectors().castTo(DataType.DOUBLE);
        lsoftmax.setClassVectors(w);
        sphere.setClassVectors(w);
        double[][] rows = x.toDoubleMatrix();
        double[][] classes = w.toDoubleMatrix();
        double plain = 0;
        double normOnly = 0;
        for (int i = 0; i < rows.length; i++) {
            double[] dots = new double[4];
            double[] scaledCosines = new double[4];
            for (int c = 0; c < 4; c++) {
                double dot = 0;
                double classNorm = 0;
                for (int k = 0; k < DIM; k++) {
                    dot += rows[i][k] * classes[c][k];
                    classNorm += classes[c][k] * classes[c][k];
                }
                dots[c] = 0.7 * dot;
                scaledCosines[c] = 0.7 * dot / Math.sqrt(classNorm);
            }
            plain += crossEntropy(dots, LABELS[i]) / rows.length;
            normOnly += crossEntropy(scaledCosines, LABELS[i]) / rows.length;
        }
        assertEquals(plain, lsoftmax.compute(x, LABELS).value(), 1e-12);
        assertEquals(normOnly, sphere.compute(x, LABELS).value(), 1e-12);
    }

    private static double crossEntropy(double[] logits, int target) {
        double sum = 0;
        for (double l : logits) {
            sum += Math.exp(l);
        }
        return Math.log(sum) - logits[target];
    }

    @Test
    void configuredFromXmlWithProvenance(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("losses.xml");
        Files.writeString(config, """
                <?xml version="1.0" encoding="UTF-8"?>
                <config>
                  <component name="lsoftmax" type="org.dml4j.loss.LargeMarginSoftmaxLoss">
                    <property name="numClasses" value="5"/>
                    <property name="embeddingSize" value="8"/>
                    <property name="margin" value="3"/>
                  </component>
                  <component name="subcenter" type="org.dml4j.loss.SubCenterArcFaceLoss">
                    <property name="numClasses" value="5"/>
                    <property name="embeddingSize" value="8"/>
                    <property name="subCenters" value="2"/>
                  </component>
                  <component name="angular" type="org.dml4j.loss.AngularLoss">
                    <property name="alphaDegrees" value="45"/>
                  </component>
                  <component name="broken" type="org.dml4j.loss.SphereFaceLoss">
                    <property name="numClasses" value="5"/>
                    <property name="embeddingSize" value="8"/>
                    <property name="margin" value="0"/>
                  </component>
                </config>
                """);
        ConfigurationManager cm = new ConfigurationManager(config.toString());
        LargeMarginSoftmaxLoss lsoftmax = (LargeMarginSoftmaxLoss) cm.lookup("lsoftmax");
        String provenance = ProvenanceUtil.formattedProvenanceString(lsoftmax.getProvenance());
        assertTrue(provenance.contains("margin = 3") && provenance.contains("scale = 1.0"), provenance);
        SubCenterArcFaceLoss subCenter = (SubCenterArcFaceLoss) cm.lookup("subcenter");
        assertEquals(10, subCenter.classVectors().rows());
        assertTrue(ProvenanceUtil.formattedProvenanceString(subCenter.getProvenance()).contains("subCenters = 2"));
        String angular = ProvenanceUtil.formattedProvenanceString(((AngularLoss) cm.lookup("angular"))
                .getProvenance());
        assertTrue(angular.contains("alphaDegrees = 45.0") && angular.contains("CosineSimilarity"), angular);
        RuntimeException error = assertThrows(RuntimeException.class, () -> cm.lookup("broken"));
        assertTrue(error.getMessage().contains("integer margin m >= 1"), error.getMessage());
    }
}
