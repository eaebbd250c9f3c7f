package org.dml4j.regularize;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.loss.ArcFaceLoss;
import org.dml4j.loss.LossResult;
import org.dml4j.loss.ProxyNCALoss;
import org.dml4j.loss.TripletMarginLoss;
import org.dml4j.reduce.ClassWeightedReducer;
import org.dml4j.reduce.SumReducer;
import org.dml4j.testutil.FiniteDifferences;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Finite-difference gradients, closed forms and configuration errors of the regularizers and RegularizedLoss. */
class RegularizerTest {

    private static final int[] LABELS = {0, 1, 2, 0, 1, 2, 0, 1, 3, 3, 2, 0};

    private static Map<String, Regularizer> regularizers() {
        Map<String, Regularizer> all = new LinkedHashMap<>();
        all.put("lp", new LpRegularizer());
        all.put("lp-p1-power2", new LpRegularizer(1, 2, new SumReducer()));
        all.put("lp-p3-power0.5", new LpRegularizer(3, 0.5, new ClassWeightedReducer(
                new double[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})));
        all.put("zero-mean", new ZeroMeanRegularizer());
        all.put("center-invariant", new CenterInvariantRegularizer());
        all.put("regular-face", new RegularFaceRegularizer());
        all.put("sparse-centers", new SparseCentersRegularizer(4, 3));
        return all;
    }

    @TestFactory
    Stream<DynamicTest> gradientsMatchFiniteDifferences() {
        return regularizers().entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            INDArray x = FiniteDifferences.clustered(LABELS, 5, 17);
            Regularizer r = e.getValue();
            double error = FiniteDifferences.relativeError(v -> r.compute(v).value(), x, r.compute(x).gradient());
            assertTrue(error < 1e-6, e.getKey() + " relative error " + error);
        }));
    }

    @Test
    void closedForms() {
        INDArray x = Nd4j.create(new double[][]{{3, 4}, {1, -1}, {0, 2}});
        assertEquals((5 + Math.sqrt(2) + 2) / 3, new LpRegularizer().compute(x).value(), 1e-15);
        assertEquals((7 + 0 + 2) / 3.0, new ZeroMeanRegularizer().compute(x).value(), 1e-15);
        // squared norms 25, 2, 4: mean 31/3
        double m = 31.0 / 3;
        double expected = (Math.pow(25 - m, 2) + Math.pow(2 - m, 2) + Math.pow(4 - m, 2)) / 4 / 3;
        assertEquals(expected, new CenterInvariantRegularizer().compute(x).value(), 1e-12);
        // cosines: (0.6,0.8)·(0.7071,-0.7071) = -0.1414, (0.6,0.8)·(0,1) = 0.8, (0.7071,-0.7071)·(0,1) = -0.7071
        assertEquals((0.8 + -0.1 * Math.sqrt(2) + 0.8) / 3, new RegularFaceRegularizer().compute(x).value(), 1e-12);
    }

    @Test
    void regularizedLossAddsValuesAndGradients() {
        INDArray x = FiniteDifferences.clustered(LABELS, 6, 3);
        TripletMarginLoss triplet = new TripletMarginLoss();
        RegularizedLoss loss = new RegularizedLoss(triplet, new LpRegularizer(), 0.5, null, 1);
        LossResult plain = triplet.compute(x, LABELS);
        LossResult regularized = loss.compute(x, LABELS);
        Regularizer.Regularization lp = new LpRegularizer().compute(x);
        assertEquals(plain.value() + 0.5 * lp.value(), regularized.value(), 1e-12);
        assertEquals(0, regularized.embeddingGradient().sub(plain.embeddingGradient().add(lp.gradient().mul(0.5)))
                .norm2Number().doubleValue(), 1e-12);
    }

    @Test
    void weightRegularizerReachesTheClassVectors() {
        INDArray x = FiniteDifferences.clustered(LABELS, 6, 5);
        ArcFaceLoss arcFace = new ArcFaceLoss(4, 6);
        RegularizedLoss loss = new RegularizedLoss(arcFace, null, 1, new RegularFaceRegularizer(), 2.0);
        INDArray w = arcFace.classVectors().castTo(DataType.DOUBLE);
        arcFace.setClassVectors(w);
        INDArray analytic = loss.compute(x, LABELS).parameterGradients().get(arcFace.parameterName());
        double error = FiniteDifferences.relativeError(v -> {
            arcFace.setClassVectors(v);
            return loss.compute(x, LABELS).value();
        }, w.dup(), analytic);
        assertTrue(error < 1e-6, "class-vector gradient relative error " + error);
    }

    @Test
    void forTrainingKeepsTheRegularizers() {
        RegularizedLoss loss = new RegularizedLoss(new ProxyNCALoss(0, 0, 1, new org.dml4j.distance.LpDistance(true,
                2), new org.dml4j.reduce.MeanReducer()), null, 1, new CenterInvariantRegularizer(), 0.3);
        RegularizedLoss trained = (RegularizedLoss) loss.forTraining(7, 5, 8);
        assertEquals(5, ((ProxyNCALoss) trained.loss()).numClasses());
        assertTrue(trained.toString().contains("CenterInvariantRegularizer"));
    }

    @Test
    void badConfigurationIsRejected() {
        PropertyException noClassVectors = assertThrows(PropertyException.class,
                () -> new RegularizedLoss(new TripletMarginLoss(), null, 1, new RegularFaceRegularizer(), 1));
        assertTrue(noClassVectors.getMessage().contains("class vectors"), noClassVectors.getMessage());
        assertThrows(PropertyException.class, () -> new RegularizedLoss(new TripletMarginLoss(), null, 1, null, 1));
        assertThrows(PropertyException.class,
                () -> new RegularizedLoss(new TripletMarginLoss(), new LpRegularizer(), Double.NaN, null, 1));
        assertThrows(PropertyException.class, () -> new LpRegularizer(0.5, 1, new SumReducer()));
        assertThrows(PropertyException.class, () -> new SparseCentersRegularizer(3, 1));
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> new SparseCentersRegularizer(3, 2).compute(Nd4j.rand(DataType.DOUBLE, 5, 4)));
        assertTrue(shape.getMessage().contains("3 x 2"), shape.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new RegularFaceRegularizer().compute(Nd4j.rand(DataType.DOUBLE, 1, 4)));
    }
}
