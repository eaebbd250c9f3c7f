package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import org.dml4j.distance.CosineSimilarity;
import org.dml4j.mining.TripletTuples;
import org.dml4j.reduce.AvgNonZeroReducer;
import org.dml4j.reduce.MeanReducer;
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

/** VICReg between two views: gradients of both, PML's reference-set form, degenerate views and bad use. */
class VICRegLossTest {

    private static final int[] ROWS = new int[10];

    private static INDArray view(long seed) {
        return FiniteDifferences.clustered(ROWS, 6, seed);
    }

    @Test
    void gradientsOfBothViewsMatchFiniteDifferences() {
        for (VICRegLoss loss : new VICRegLoss[]{new VICRegLoss(),
                new VICRegLoss(5, 10, 3, 1e-2, new AvgNonZeroReducer())}) {
            INDArray z1 = view(1);
            INDArray z2 = z1.mul(0.7).add(view(2).mul(0.3));
            ReferenceLossResult r = loss.compute(z1, z2);
            assertTrue(r.value() > 0);
            assertTrue(FiniteDifferences.relativeError(v -> loss.compute(v, z2).value(), z1, r.queryGradient())
                    < 1e-6, loss + " first view");
            assertTrue(FiniteDifferences.relativeError(v -> loss.compute(z1, v).value(), z2, r.referenceGradient())
                    < 1e-6, loss + " second view");
        }
    }

    @Test
    void pmlsReferenceFormIsTheSameAndLabelsAreNotUsed() {
        VICRegLoss loss = new VICRegLoss();
        INDArray z1 = view(3);
        INDArray z2 = view(4);
        ReferenceLossResult direct = loss.compute(z1, z2);
        ReferenceLossResult asReference = loss.compute(z1, null, null, z2, new int[]{7});
        assertEquals(direct.value(), asReference.value());
        assertEquals(direct.queryGradient(), asReference.queryGradient());
        assertTrue(loss.acceptsReferences());
        assertEquals(null, loss.distance());
    }

    @Test
    void identicalAndCollapsedViewsAreFinite() {
        VICRegLoss loss = new VICRegLoss();
        INDArray z = view(5);
        ReferenceLossResult same = loss.compute(z, z.dup());
        INDArray collapsed = Nd4j.ones(DataType.FLOAT, 10, 6);
        ReferenceLossResult flat = loss.compute(collapsed, collapsed.dup());
        // every dimension has variance 0: 2 views x mu x (1 - sqrt(eps)) / 2, no invariance, no covariance
        assertEquals(25 * (1 - Math.sqrt(1e-4)), flat.value(), 1e-5);
        assertEquals(DataType.FLOAT, flat.queryGradient().dataType());
        for (ReferenceLossResult r : new ReferenceLossResult[]{same, flat}) {
            assertTrue(Double.isFinite(r.value()));
            assertFalse(r.queryGradient().castTo(DataType.DOUBLE).isNaN().any());
        }
    }

    @Test
    void supervisedUseAndBadViewsAreRejectedWithTheReason() {
        VICRegLoss loss = new VICRegLoss();
        UnsupportedOperationException supervised = assertThrows(UnsupportedOperationException.class,
                () -> loss.compute(view(1), ROWS));
        assertTrue(supervised.getMessage().contains("compute(view1, view2)"), supervised.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> loss.compute(view(1), null, new TripletTuples(new int[0], new int[0], new int[0]), view(2),
                        null));
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> loss.compute(view(1), Nd4j.zeros(3, 6)));
        assertTrue(shape.getMessage().contains("same shape"), shape.getMessage());
        assertThrows(IllegalArgumentException.class, () -> loss.compute(Nd4j.ones(1, 6), Nd4j.ones(1, 6)));
        assertThrows(PropertyException.class, () -> new VICRegLoss(25, 25, 1, 0, new MeanReducer()));
    }

    @Test
    void configuredFromXmlAndDescribedInProvenance(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("vicreg.xml");
        Files.writeString(config, """
                <?xml version="1.0" encoding="UTF-8"?>
                <config>
                  <component name="vicreg" type="org.dml4j.loss.VICRegLoss">
                    <property name="invarianceLambda" value="10"/>
                  </component>
                  <component name="withDistance" type="org.dml4j.loss.VICRegLoss">
                    <property name="distance" value="cosine"/>
                  </component>
                  <component name="cosine" type="org.dml4j.distance.CosineSimilarity"/>
                </config>
                """);
        ConfigurationManager cm = new ConfigurationManager(config.toString());
        VICRegLoss loss = (VICRegLoss) cm.lookup("vicreg");
        String provenance = ProvenanceUtil.formattedProvenanceString(loss.getProvenance());
        assertTrue(provenance.contains("invarianceLambda = 10.0"), provenance);
        assertThrows(PropertyException.class, () -> cm.lookup("withDistance"));
        assertTrue(new CosineSimilarity().isInverted());
    }
}
