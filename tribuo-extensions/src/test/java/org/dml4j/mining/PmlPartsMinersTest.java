package org.dml4j.mining;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.LpDistance;
import org.dml4j.testutil.FiniteDifferences;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The new miners' rules beyond the PML cases (golden/miners/parts_miners_*.json): seeding, reference sets and bad
 * configurations.
 */
class PmlPartsMinersTest {

    private static final int[] LABELS = {0, 1, 2, 0, 1, 2, 0, 1, 3, 3, 2, 0};

    @Test
    void packagedTripletsAreConsecutiveRows() {
        TripletTuples t = new EmbeddingsAlreadyPackagedAsTriplets().mine(Nd4j.zeros(DataType.DOUBLE, 6, 2),
                new int[6]);
        assertArrayEquals(new int[]{0, 3}, t.anchors());
        assertArrayEquals(new int[]{1, 4}, t.positives());
        assertArrayEquals(new int[]{2, 5}, t.negatives());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new EmbeddingsAlreadyPackagedAsTriplets().mine(Nd4j.zeros(DataType.DOUBLE, 7, 2), new int[7]));
        assertTrue(e.getMessage().contains("multiple of 3"), e.getMessage());
    }

    @Test
    void uniformHistogramIsSeeded() {
        INDArray x = FiniteDifferences.clustered(LABELS, 4, 3);
        PairTuples a = new UniformHistogramMiner(5, 2, 3, 7, new LpDistance()).mine(x, LABELS);
        PairTuples b = new UniformHistogramMiner(5, 2, 3, 7, new LpDistance()).mine(x, LABELS);
        PairTuples c = new UniformHistogramMiner(5, 2, 3, 8, new LpDistance()).mine(x, LABELS);
        assertEquals(a, b);
        assertNotEquals(a, c);
        assertEquals(0, a.numPositive() % 2);
        assertEquals(0, a.numNegative() % 3);
    }

    @Test
    void uniformHistogramBinsFollowTorchLinspace() {
        UniformHistogramMiner miner = new UniformHistogramMiner(6, 1, 1, 1, new LpDistance());
        // torch.linspace(0.1, 0.9, 7) in float64
        assertArrayEquals(new double[]{0.1, 0.23333333333333334, 0.3666666666666667, 0.5, 0.6333333333333333,
                0.7666666666666667, 0.9}, miner.edges(0.1, 0.9));
        assertArrayEquals(new int[]{0, 5, 2, 5}, miner.bins(new double[]{0.1, 0.9, Math.nextDown(0.5), 0.8}));
    }

    @Test
    void referenceMiningAnchorsTheQueries() {
        INDArray q = FiniteDifferences.clustered(new int[]{0, 1, 2}, 4, 1);
        INDArray r = FiniteDifferences.clustered(LABELS, 4, 2);
        int[] queryLabels = {0, 1, 2};
        for (Miner miner : new Miner[]{new AngularMiner(10), new BatchEasyHardMiner(), new HDCMiner()}) {
            assertTrue(miner.acceptsReferences());
            IndexTuples t = miner.mine(q, queryLabels, r, LABELS);
            assertTrue(t.size() > 0, miner + " mined nothing");
        }
    }

    @Test
    void batchEasyHardOnCosineChoosesBySimilarity() {
        INDArray x = FiniteDifferences.clustered(LABELS, 4, 9);
        PairTuples hardLp = new BatchEasyHardMiner(BatchEasyHardMiner.Strategy.HARD, BatchEasyHardMiner.Strategy.HARD,
                null, null, new LpDistance()).mine(x, LABELS);
        PairTuples hardCos = new BatchEasyHardMiner(BatchEasyHardMiner.Strategy.HARD,
                BatchEasyHardMiner.Strategy.HARD, null, null, new CosineSimilarity()).mine(x, LABELS);
        // On normalized embeddings the Euclidean distance is a decreasing function of the cosine.
        assertEquals(hardLp, hardCos);
    }

    @Test
    void badConfigurationIsRejected() {
        assertThrows(PropertyException.class, () -> new BatchEasyHardMiner(BatchEasyHardMiner.Strategy.SEMIHARD,
                BatchEasyHardMiner.Strategy.SEMIHARD, null, null, new LpDistance()));
        assertThrows(PropertyException.class, () -> new BatchEasyHardMiner(BatchEasyHardMiner.Strategy.ALL,
                BatchEasyHardMiner.Strategy.SEMIHARD, null, null, new LpDistance()));
        assertThrows(PropertyException.class, () -> new BatchEasyHardMiner(BatchEasyHardMiner.Strategy.HARD,
                BatchEasyHardMiner.Strategy.HARD, new double[]{1, 0}, null, new LpDistance()));
        assertThrows(PropertyException.class, () -> new HDCMiner(0, new LpDistance()));
        assertThrows(PropertyException.class, () -> new HDCMiner(1.5, new LpDistance()));
        assertThrows(PropertyException.class, () -> new UniformHistogramMiner(0, 1, 1, 1, new LpDistance()));
        assertThrows(PropertyException.class, () -> new AngularMiner(Double.NaN));
    }
}
