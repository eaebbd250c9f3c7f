package org.dml4j.reduce;

import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.DotProductSimilarity;
import org.dml4j.distance.LpDistance;
import org.dml4j.loss.AngularLoss;
import org.dml4j.loss.FastAPLoss;
import org.dml4j.loss.GeneralizedLiftedStructureLoss;
import org.dml4j.loss.IntraPairVarianceLoss;
import org.dml4j.loss.MetricLoss;
import org.dml4j.loss.NPairsLoss;
import org.dml4j.loss.NormalizedSoftmaxLoss;
import org.dml4j.loss.QuadrupletLoss;
import org.dml4j.loss.TupletMarginLoss;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ClassWeightedReducer works with the losses that reduce per-anchor or per-row terms: each supplies the batch labels,
 * so a uniform class weight w scales the mean-reduced loss by exactly w (a loss that forgot the labels would make
 * the reducer throw).
 */
class ClassWeightedLossesTest {

    private static final int CLASSES = 4;
    private static final double WEIGHT = 2.5;

    @Test
    void uniformClassWeightsScaleTheMeanReducedLoss() {
        List<Function<Reducer, MetricLoss>> losses = List.of(
                r -> new NPairsLoss(new CosineSimilarity(), r),
                r -> new TupletMarginLoss(TupletMarginLoss.DEFAULT_MARGIN_DEGREES, TupletMarginLoss.DEFAULT_SCALE, r),
                r -> new GeneralizedLiftedStructureLoss(GeneralizedLiftedStructureLoss.DEFAULT_NEG_MARGIN,
                        GeneralizedLiftedStructureLoss.DEFAULT_POS_MARGIN, new LpDistance(), r),
                r -> new IntraPairVarianceLoss(IntraPairVarianceLoss.DEFAULT_POS_EPS,
                        IntraPairVarianceLoss.DEFAULT_NEG_EPS, new CosineSimilarity(), r),
                r -> new AngularLoss(AngularLoss.DEFAULT_ALPHA_DEGREES, new CosineSimilarity(), r),
                r -> new FastAPLoss(FastAPLoss.DEFAULT_NUM_BINS, new LpDistance(true, 2), r),
                r -> new QuadrupletLoss(0.2, 0.1,
                        new LpDistance(), r),
                r -> classParameters(new NormalizedSoftmaxLoss(CLASSES, 6,
                        NormalizedSoftmaxLoss.DEFAULT_TEMPERATURE, new DotProductSimilarity(true), r)));
        INDArray embeddings = Nd4j.randn(7L, new long[]{12, 6}).castTo(DataType.DOUBLE);
        int[] labels = {0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3};
        double[] weights = new double[CLASSES];
        Arrays.fill(weights, WEIGHT);
        for (Function<Reducer, MetricLoss> loss : losses) {
            double mean = loss.apply(new MeanReducer()).compute(embeddings, labels, null).value();
            double weighted = loss.apply(new ClassWeightedReducer(weights)).compute(embeddings, labels, null).value();
            String name = loss.apply(new MeanReducer()).getClass().getSimpleName();
            assertTrue(mean > 0, name + " has a positive loss on this batch");
            assertEquals(WEIGHT * mean, weighted, 1e-9 * Math.abs(mean), name);
        }
    }

    private static MetricLoss classParameters(NormalizedSoftmaxLoss loss) {
        loss.setClassVectors(Nd4j.randn(3L, new long[]{CLASSES, 6}).castTo(DataType.FLOAT));
        return loss;
    }
}
