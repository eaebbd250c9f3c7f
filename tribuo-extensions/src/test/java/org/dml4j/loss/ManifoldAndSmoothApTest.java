package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.LpDistance;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.MultiSimilarityMiner;
import org.dml4j.reduce.MeanReducer;
import org.dml4j.reduce.SumReducer;
import org.dml4j.testutil.FiniteDifferences;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ManifoldLoss and Smooth-AP beyond their golden cases ({@code manifold*}, {@code smooth_ap*}) and finite differences
 * ({@link LossGradientTest}): where DML4J departs from PML (λ_C = ∞, label grouping), the configuration rules, OLCUT
 * configuration and provenance.
 */
class ManifoldAndSmoothApTest {

    private static final int[] LABELS = {0, 1, 2, 0, 1, 2, 0, 1, 3, 3, 2, 0};
    private static final int DIM = 6;

    @Test
    void manifoldContextOnlyIsTheDifferenceOfBothWeights() {
        INDArray x = FiniteDifferences.clustered(LABELS, DIM, 5);
        ManifoldLoss one = new ManifoldLoss(4, DIM, 1, 0.8, 0.01, new CosineSimilarity());
        ManifoldLoss zero = new ManifoldLoss(4, DIM, 0, 0.8, 0.01, new CosineSimilarity());
        ManifoldLoss context = new ManifoldLoss(4, DIM, Double.POSITIVE_INFINITY, 0.8, 0.01, new CosineSimilarity());
        zero.setClassVectors(one.classVectors());
        context.setClassVectors(one.classVectors());
        double expected = one.compute(x, LABELS).value() - zero.compute(x, LABELS).value();
        assertTrue(expected > 0, "the context loss is positive here: " + expected);
        assertEquals(expected, context.compute(x, LABELS).value(), 1e-12);
    }

    @Test
    void manifoldTakesItsMetaClassesFromTheLabels() {
        INDArray x = FiniteDifferences.clustered(LABELS, DIM, 6);
        ManifoldLoss loss = new ManifoldLoss(4, DIM);
        int[] shifted = LABELS.clone();
        shifted[0] = 3;
        assertTrue(Math.abs(loss.compute(x, LABELS).value() - loss.compute(x, shifted).value()) > 1e-6,
                "another meta-class changes the loss");
        IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
                () -> new ManifoldLoss(3, DIM).compute(x, LABELS));
        assertTrue(outside.getMessage().contains("label 3 is outside [0, 3)"), outside.getMessage());
        IndexTuples pairs = new MultiSimilarityMiner().mine(x, LABELS);
        assertFalse(loss.acceptsTuples());
        IllegalArgumentException mined = assertThrows(IllegalArgumentException.class,
                () -> loss.compute(x, LABELS, pairs));
        assertTrue(mined.getMessage().contains("without a miner"), mined.getMessage());
        assertFalse(loss.acceptsReferences());
    }

    @Test
    void manifoldFloat32BatchesGiveFloat32GradientsOfTheSameValue() {
        INDArray x = FiniteDifferences.clustered(LABELS, DIM, 8);
        ManifoldLoss loss = new ManifoldLoss(4, DIM);
        LossResult exact = loss.compute(x, LABELS);
        LossResult single = loss.compute(x.castTo(DataType.FLOAT), LABELS);
        assertEquals(DataType.FLOAT, single.embeddingGradient().dataType());
        assertEquals(DataType.FLOAT, single.parameterGradients().get("proxies").dataType());
        assertEquals(exact.value(), single.value(), 1e-6 * exact.value());
    }

    @Test
    void configurationRulesNameTheProblem() {
        assertMessage(() -> new ManifoldLoss(4, DIM, -1, 0.8, 5e-4, new CosineSimilarity()), "lambdaC must be >= 0");
        assertMessage(() -> new ManifoldLoss(4, DIM, 1, 1, 5e-4, new CosineSimilarity()), "alpha must be in (0, 1)");
        assertMessage(() -> new SmoothAPLoss(0, new CosineSimilarity(), new MeanReducer()), "temperature must be");
    }

    @Test
    void smoothApGroupsByLabelWhereverTheRowsAre() {
        // PML's development tree groups consecutive rows; DML4J's value does not depend on the batch order
        INDArray x = FiniteDifferences.clustered(LABELS, DIM, 12);
        int[] order = {11, 3, 7, 0, 5, 9, 1, 10, 2, 8, 4, 6};
        int[] permutedLabels = new int[LABELS.length];
        INDArray permuted = Nd4j.create(DataType.DOUBLE, LABELS.length, DIM);
        for (int i = 0; i < order.length; i++) {
            permutedLabels[i] = LABELS[order[i]];
            permuted.putRow(i, x.getRow(order[i]));
        }
        SmoothAPLoss loss = new SmoothAPLoss(0.1, new CosineSimilarity(), new MeanReducer());
        double value = loss.compute(x, LABELS).value();
        assertTrue(value > 0.01, "an imperfect ranking: " + value);
        assertEquals(value, loss.compute(permuted, permutedLabels).value(), 1e-12);
        SmoothAPLoss sum = new SmoothAPLoss(0.1, new CosineSimilarity(), new SumReducer());
        assertEquals(LABELS.length * value, sum.compute(x, LABELS).value(), 1e-10, "one term per query");
        assertFalse(loss.acceptsTuples());
        IllegalArgumentException mined = assertThrows(IllegalArgumentException.class,
                () -> loss.compute(x, LABELS, new MultiSimilarityMiner().mine(x, LABELS)));
        assertTrue(mined.getMessage().contains("takes no mined tuples"), mined.getMessage());
    }

    @Test
    void smoothApOfAPerfectlySeparatedBatchIsZero() {
        // every class on its own axis: each query ranks its class first, and a steep sigmoid makes AP 1
        int[] labels = {0, 0, 1, 1, 2, 2};
        INDArray x = Nd4j.create(new double[][]{{1, 0, 0}, {1, 0.01, 0}, {0, 1, 0}, {0.01, 1, 0}, {0, 0, 1},
                {0, 0.01, 1}});
        assertEquals(0, new SmoothAPLoss().compute(x, labels).value(), 1e-12);
        assertTrue(new SmoothAPLoss(1, new LpDistance(), new MeanReducer()).compute(x, labels).value() > 0.1,
                "a flat sigmoid blurs the ranks");
    }

    @Test
    void configuredFromOlcutFilesWithProvenance(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("losses.xml");
        Files.writeString(config, """
                <?xml version="1.0" encoding="UTF-8"?>
                <config>
                  <component name="manifold" type="org.dml4j.loss.ManifoldLoss">
                    <property name="numClasses" value="4"/>
                    <property name="embeddingSize" value="6"/>
                    <property name="lambdaC" value="0.5"/>
                    <property name="alpha" value="0.7"/>
                  </component>
                  <component name="smoothap" type="org.dml4j.loss.SmoothAPLoss">
                    <property name="temperature" value="0.05"/>
                  </component>
                  <component name="bad-alpha" type="org.dml4j.loss.ManifoldLoss">
                    <property name="alpha" value="1.5"/>
                  </component>
                </config>
                """);
        ConfigurationManager cm = new ConfigurationManager(config.toString());
        INDArray x = FiniteDifferences.clustered(LABELS, DIM, 4);
        ManifoldLoss manifold = (ManifoldLoss) cm.lookup("manifold");
        String provenance = ProvenanceUtil.formattedProvenanceString(manifold.getProvenance());
        assertTrue(provenance.contains("lambdaC = 0.5") && provenance.contains("alpha = 0.7"), provenance);
        assertTrue(manifold.compute(x, LABELS).value() > 0);
        assertEquals(4, manifold.parameters().get("proxies").rows());
        SmoothAPLoss smoothAp = (SmoothAPLoss) cm.lookup("smoothap");
        assertEquals(0.05, smoothAp.temperature());
        assertTrue(ProvenanceUtil.formattedProvenanceString(smoothAp.getProvenance()).contains("temperature = 0.05"));
        RuntimeException bad = assertThrows(RuntimeException.class, () -> cm.lookup("bad-alpha"));
        assertTrue(bad.getMessage().contains("alpha must be in (0, 1)"), bad.getMessage());
    }

    private static void assertMessage(Runnable build, String fragment) {
        PropertyException e = assertThrows(PropertyException.class, build::run);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
