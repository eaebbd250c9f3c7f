package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.CosineSimilarity;
import org.dml4j.reduce.MeanReducer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The wrapper's semantics beyond the PML golden cases (golden/losses/self_supervised_*.json). */
class SelfSupervisedLossTest {

    private static INDArray random(long seed, int rows, int cols) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, rows, cols);
    }

    @Test
    void symmetricIsTheWrappedLossOnBothViewsWithPairedLabels() {
        INDArray v1 = random(1, 5, 4);
        INDArray v2 = random(2, 5, 4);
        NTXentLoss ntxent = new NTXentLoss(0.2, new CosineSimilarity(), new MeanReducer());
        ReferenceLossResult wrapped = new SelfSupervisedLoss(ntxent).compute(v1, v2);
        LossResult direct = ntxent.compute(Nd4j.vstack(v1, v2), new int[]{0, 1, 2, 3, 4, 0, 1, 2, 3, 4});
        assertEquals(direct.value(), wrapped.value(), 1e-12);
        assertTrue(direct.embeddingGradient().get(NDArrayIndex.interval(0, 5), NDArrayIndex.all())
                .equalsWithEps(wrapped.queryGradient(), 1e-12));
        assertTrue(direct.embeddingGradient().get(NDArrayIndex.interval(5, 10), NDArrayIndex.all())
                .equalsWithEps(wrapped.referenceGradient(), 1e-12));
    }

    @Test
    void labelsAreIgnoredAndAsymmetricAnchorsOnlyTheFirstView() {
        INDArray v1 = random(3, 6, 3);
        INDArray v2 = random(4, 6, 3);
        SelfSupervisedLoss asymmetric = new SelfSupervisedLoss(new NTXentLoss(), false);
        ReferenceLossResult plain = asymmetric.compute(v1, v2);
        ReferenceLossResult labelled = asymmetric.compute(v1, new int[]{0, 0, 0, 1, 1, 1}, null, v2,
                new int[]{0, 0, 0, 1, 1, 1});
        assertEquals(plain.value(), labelled.value(), 0);
        assertFalse(Double.isNaN(plain.value()));
        assertTrue(plain.value() != new SelfSupervisedLoss(new NTXentLoss()).compute(v1, v2).value(),
                "symmetric and asymmetric differ");
    }

    @Test
    void supervisedUseTuplesAndClassParameterLossesAreRejected() {
        SelfSupervisedLoss loss = new SelfSupervisedLoss(new NTXentLoss());
        INDArray v = random(5, 4, 3);
        assertTrue(assertThrows(UnsupportedOperationException.class, () -> loss.compute(v, new int[]{0, 1, 2, 3}))
                .getMessage().contains("two augmented views"));
        assertThrows(IllegalArgumentException.class, () -> loss.compute(v, random(6, 3, 3)));
        assertTrue(assertThrows(PropertyException.class, () -> new SelfSupervisedLoss(new ProxyAnchorLoss(3, 3)))
                .getMessage().contains("ProxyAnchorLoss"));
        assertTrue(assertThrows(PropertyException.class, () -> new SelfSupervisedLoss(new VICRegLoss()))
                .getMessage().contains("VICRegLoss"));
        assertEquals("SelfSupervisedLoss(loss=" + new NTXentLoss() + ", symmetric=true)", loss.toString());
        assertEquals("true", loss.getProvenance().getConfiguredParameters().get("symmetric").toString());
    }
}
