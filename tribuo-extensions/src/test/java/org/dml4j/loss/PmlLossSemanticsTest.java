package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.LpDistance;
import org.dml4j.distance.SNRDistance;
import org.dml4j.mining.PairTuples;
import org.dml4j.reduce.AvgNonZeroReducer;
import org.dml4j.reduce.MeanReducer;
import org.dml4j.testutil.FiniteDifferences;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Semantics of N-pairs, tuplet margin, SNR contrastive, threshold-consistent margin, SoftTriple and P2SGrad beyond
 * their golden cases: PML's choices where the formula leaves room, where DML4J departs from PML (documented), and
 * configurations that are rejected.
 */
class PmlLossSemanticsTest {

    private static final int[] LABELS = {0, 1, 2, 0, 1, 2, 0, 1, 3, 3, 2, 0};

    @Test
    void nPairsUsesTheFirstPositivePairOfEachLabel() {
        INDArray x = FiniteDifferences.clustered(LABELS, 4, 2);
        // PML: of all positive pairs in row-major order, the first whose anchor has each label: (0,3), (1,4), (2,5),
        // (8,9); the same pairs given as mined tuples, after other pairs of the same labels, change nothing.
        PairTuples first = new PairTuples(new int[]{0, 1, 2, 8}, new int[]{3, 4, 5, 9}, new int[0], new int[0]);
        NPairsLoss loss = new NPairsLoss();
        assertEquals(loss.compute(x, LABELS).value(), loss.compute(x, LABELS, first).value(), 1e-15);
        PairTuples later = new PairTuples(new int[]{3, 0, 1, 2, 8}, new int[]{6, 3, 4, 5, 9}, new int[0], new int[0]);
        assertTrue(Math.abs(loss.compute(x, LABELS, later).value() - loss.compute(x, LABELS).value()) > 1e-6,
                "the first pair of label 0 is now (3, 6)");
        assertEquals(0, loss.compute(x, new int[]{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}).value(), "no pair");
    }

    @Test
    void tupletMarginStaysFiniteOnDuplicatePositives() {
        // PML's acos gives an infinite derivative (NaN gradient) for a positive pair with cosine 1.
        double[][] rows = FiniteDifferences.clustered(LABELS, 4, 5).toDoubleMatrix();
        rows[3] = rows[0].clone();
        for (DataType type : new DataType[]{DataType.DOUBLE, DataType.FLOAT}) {
            LossResult r = new TupletMarginLoss().compute(Nd4j.create(rows).castTo(type), LABELS);
            double max = Math.abs(r.embeddingGradient().castTo(DataType.DOUBLE).maxNumber().doubleValue());
            assertTrue(Double.isFinite(r.value()) && max < 1e3, "loss " + r.value() + ", largest gradient " + max);
        }
        assertThrows(PropertyException.class, () -> new TupletMarginLoss(5.73, 0, new MeanReducer()));
    }

    @Test
    void theSnrContrastiveLossIsTheContrastiveLossOnTheSnrDistance() {
        INDArray x = FiniteDifferences.clustered(LABELS, 6, 8);
        assertEquals(new ContrastiveLoss(0, 1, new SNRDistance(), new AvgNonZeroReducer()).compute(x, LABELS).value(),
                new SignalToNoiseRatioContrastiveLoss().compute(x, LABELS).value());
        assertTrue(new SignalToNoiseRatioContrastiveLoss().toString().startsWith("SignalToNoiseRatioContrastiveLoss("));
    }

    @Test
    void thresholdConsistentMarginAveragesOnlyThePairsBeyondItsMargins() {
        // Three unit vectors: rows 0 and 1 (label 0) at cosine 0.8 < m+ = 0.9; row 2 (label 1) at cosine 0.6 and 0
        // from them: only the first negative pair passes m- = 0.5.
        INDArray x = Nd4j.create(new double[][]{{1, 0, 0}, {0.8, 0.6, 0}, {0.6, 0, 0.8}});
        int[] labels = {0, 0, 1};
        LossResult r = new ThresholdConsistentMarginLoss().compute(x, labels);
        // positive part: mean(0.9 - 0.8) over both ordered pairs; negative: mean over (0,2), (2,0) of (0.6 - 0.5),
        // rows 1-2 have cosine 0.48 < 0.5
        assertEquals(0.1 + 0.1, r.value(), 1e-12);
        assertFalse(new ThresholdConsistentMarginLoss().acceptsReferences(), "PML's version indexes wrongly");
        assertThrows(PropertyException.class, () -> new ThresholdConsistentMarginLoss(1, 1, Double.NaN, 0.5));
    }

    @Test
    void p2sGradRenormalizesItsWeightsInPlaceAsPml() {
        P2SGradLoss loss = new P2SGradLoss(4, 6);
        INDArray weights = loss.classVectors().castTo(DataType.DOUBLE).muli(3);
        loss.setClassVectors(weights);
        INDArray x = FiniteDifferences.clustered(LABELS, 6, 4);
        loss.compute(x, LABELS);
        // A second call moves the lengths to the renormalization's fixed point 1 - 1e-7, where it no longer changes
        // the weights (from length 1 - 1e-8 it would still scale them by 1 - 9e-8, enough to show in the check).
        LossResult r = loss.compute(x, LABELS);
        for (int c = 0; c < 4; c++) {
            double norm = weights.getRow(c).norm2Number().doubleValue();
            assertEquals(1, norm, 2e-7, "PML's renorm leaves ||w|| / (||w|| + 1e-7)");
        }
        // The gradient is that of the renormalized weights: along directions orthogonal to each weight (which the
        // renormalization leaves alone to first order; a small h keeps its second-order shrinking negligible) it
        // matches finite differences.
        INDArray g = r.parameterGradients().get("classWeights");
        INDArray direction = Nd4j.randn(3L, new long[]{4, 6}).castTo(DataType.DOUBLE);
        for (int c = 0; c < 4; c++) {
            INDArray w = weights.getRow(c);
            direction.getRow(c).subi(w.mul(direction.getRow(c).mul(w).sumNumber().doubleValue()
                    / w.mul(w).sumNumber().doubleValue()));
        }
        double h = 1e-6;
        INDArray base = weights.dup();
        loss.setClassVectors(base.add(direction.mul(h)));
        double plus = loss.compute(x, LABELS).value();
        loss.setClassVectors(base.sub(direction.mul(h)));
        double minus = loss.compute(x, LABELS).value();
        double numeric = (plus - minus) / (2 * h);
        double analytic = g.mul(direction).sumNumber().doubleValue();
        assertEquals(analytic, numeric, 1e-7 * Math.abs(analytic) + 1e-10);
        IllegalArgumentException mined = assertThrows(IllegalArgumentException.class,
                () -> new P2SGradLoss(4, 6).compute(x, LABELS, new PairTuples(new int[0], new int[0], new int[0],
                        new int[0])));
        assertTrue(mined.getMessage().contains("no mined tuples"), mined.getMessage());
    }

    @Test
    void softTripleHasCentersPerClassRows() {
        SoftTripleLoss loss = new SoftTripleLoss(3, 5, 4, 20, 0.1, 0.01, new CosineSimilarity(), new MeanReducer());
        assertEquals(12, loss.classVectors().rows());
        assertEquals(4, loss.vectorsPerClass());
        assertThrows(IllegalArgumentException.class, () -> loss.setClassVectors(Nd4j.zeros(3, 5)));
        assertThrows(PropertyException.class,
                () -> new SoftTripleLoss(3, 5, 0, 20, 0.1, 0.01, new CosineSimilarity(), new MeanReducer()));
        assertThrows(PropertyException.class,
                () -> new SoftTripleLoss(3, 5, 2, 20, 0.1, 0.01, new LpDistance(), new MeanReducer()));
        assertEquals(3 * 10, new SoftTripleLoss(3, 5).classVectors().rows(), "PML's default: 10 centers");
    }
}
