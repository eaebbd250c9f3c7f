package org.dml4j.train;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.eval.RetrievalEvaluator;
import org.dml4j.eval.RetrievalMode;
import org.dml4j.loss.ContrastiveLoss;
import org.dml4j.loss.LossResult;
import org.dml4j.loss.ProxyAnchorLoss;
import org.dml4j.loss.TripletMarginLoss;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.PairTuples;
import org.dml4j.mining.TripletMarginMiner;
import org.dml4j.mining.TripletTuples;
import org.dml4j.distance.LpDistance;
import org.dml4j.model.EmbeddingModel;
import org.dml4j.nn.NetworkSpecs;
import org.dml4j.nn.optim.Adam;
import org.dml4j.sampling.MPerClassSampler;
import org.dml4j.testutil.Clusters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CrossBatchMemoryTrainingTest {

    private static final MutableDataset<Label> DATA = Clusters.dataset(4, 60, 20, 1.2, 3);

    private static INDArray batch(long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.randn(DataType.FLOAT, 8, 4);
        return x.diviColumnVector(x.norm2(1));
    }

    private static final int[] LABELS = {0, 0, 1, 1, 2, 2, 3, 3};

    @Test
    void theLossSeesTheBatchAgainstTheMemoryWithoutSelfComparisons() {
        CrossBatchLoss xbm = new CrossBatchLoss(new ContrastiveLoss(), null, 32);
        PairTuples first = (PairTuples) xbm.compute(batch(1), LABELS).tuples();
        // Memory = the batch itself: each anchor against the 7 other copies.
        assertEquals(8 * 7, first.size());
        xbm.compute(batch(2), LABELS);
        PairTuples third = (PairTuples) xbm.compute(batch(3), LABELS).tuples();
        assertEquals(24, xbm.memory().size());
        assertEquals(8 * 23, third.size(), "more tuples than the 8 × 7 of the batch alone");
        for (int k = 0; k < third.numPositive(); k++) {
            assertTrue(third.posAnchors()[k] < 8 && third.positives()[k] >= 8);
            assertTrue(third.positives()[k] != 24 + third.posAnchors()[k], "an anchor is not its own positive");
        }
        for (int k = 0; k < third.numNegative(); k++) {
            assertTrue(third.negAnchors()[k] < 8 && third.negatives()[k] >= 8);
        }
    }

    @Test
    void onlyTheBatchRowsReceiveGradientAndTheMemoryIsDetached() {
        ContrastiveLoss loss = new ContrastiveLoss();
        CrossBatchLoss xbm = new CrossBatchLoss(loss, null, 16);
        xbm.compute(batch(1), LABELS);
        INDArray x = batch(2);
        INDArray before = xbm.memory().embeddings();
        CrossBatchLoss.Step step = xbm.compute(x, LABELS);
        assertArrayEquals(new long[]{8, 4}, step.result().embeddingGradient().shape());
        INDArray all = Nd4j.concat(0, x, xbm.memory().embeddings());
        int[] labels = new int[24];
        for (int i = 0; i < 24; i++) {
            labels[i] = LABELS[i % 8];
        }
        LossResult full = loss.compute(all, labels, step.tuples());
        assertEquals(full.value(), step.result().value(), 1e-6);
        assertEquals(full.embeddingGradient().get(NDArrayIndex.interval(0, 8), NDArrayIndex.all()),
                step.result().embeddingGradient());
        assertTrue(full.embeddingGradient().get(NDArrayIndex.interval(8, 24), NDArrayIndex.all())
                .norm2Number().doubleValue() > 0, "the memory rows' gradient exists and is discarded");
        x.muli(0);
        assertEquals(before, xbm.memory().embeddings().get(NDArrayIndex.interval(0, 8), NDArrayIndex.all()));
        assertTrue(xbm.memory().embeddings().get(NDArrayIndex.interval(8, 16), NDArrayIndex.all())
                .norm2Number().doubleValue() > 0, "the memory keeps a copy of the batch");
    }

    @Test
    void minedTuplesAreRestrictedToBatchAnchorsAndMemoryReferences() {
        CrossBatchLoss xbm = new CrossBatchLoss(new TripletMarginLoss(0.2),
                new TripletMarginMiner(0.2, TripletMarginMiner.Type.ALL, new LpDistance()), 16);
        xbm.compute(batch(1), LABELS);
        TripletTuples t = (TripletTuples) xbm.compute(batch(2), LABELS).tuples();
        assertTrue(t.size() > 0);
        for (int k = 0; k < t.size(); k++) {
            int a = t.anchors()[k];
            assertTrue(a < 8 && t.positives()[k] >= 8 && t.negatives()[k] >= 8, "triplet " + k);
            assertTrue(t.positives()[k] != 16 + a);
        }
        IndexTuples restricted = CrossBatchLoss.restrict(new PairTuples(new int[]{0, 0, 9, 0},
                new int[]{1, 17, 10, 16}, new int[]{0}, new int[]{2}), 8, 16);
        // (0, 1) moves to the copy (0, 17), so (0, 17) is a duplicate; anchor 9 is a memory row; row 16 is the
        // anchor's own copy.
        assertEquals(new PairTuples(new int[]{0}, new int[]{17}, new int[]{0}, new int[]{18}), restricted);
        assertEquals(new PairTuples(new int[0], new int[0], new int[]{0}, new int[]{8}),
                CrossBatchLoss.restrict(new PairTuples(new int[]{0}, new int[]{8}, new int[]{0}, new int[]{8}), 8, 8));
    }

    private static MetricLearningTrainer.Builder builder(int epochs, int memorySize) {
        return MetricLearningTrainer.builder(NetworkSpecs.parse("mlp:32,8"), new ContrastiveLoss())
                .sampler(new MPerClassSampler(8)).optimizer(new Adam())
                .epochs(epochs).batchSize(32).learningRate(3e-3).seed(42).memorySize(memorySize);
    }

    private static MetricLearningTrainer trainer(int epochs, int memorySize) {
        return builder(epochs, memorySize).build();
    }

    @Test
    void aRunWithMemoryLearns() {
        EmbeddingModel model = trainer(8, 128).train(DATA);
        int[] labels = new int[DATA.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = Integer.parseInt(DATA.getExample(i).getOutput().getLabel());
        }
        double mapAtR = new RetrievalEvaluator().evaluate(model.embed(DATA), labels, null, null,
                RetrievalMode.SELF).means().get("map_at_r");
        assertTrue(mapAtR > 0.85, "MAP@R " + mapAtR);
    }

    @Test
    void resumingRestoresTheMemory(@TempDir Path dir) throws IOException {
        EmbeddingModel uninterrupted = builder(4, 100).checkpointDirectory(dir.resolve("full").toString())
                .checkpointInterval(2).build().train(DATA);
        Path file = dir.resolve("full").resolve(Checkpoint.fileName(2));
        Checkpoint checkpoint = Checkpoint.load(file);
        assertEquals(100, checkpoint.memoryLabels().length);
        assertArrayEquals(new long[]{100, 8}, checkpoint.memoryEmbeddings().shape());
        EmbeddingModel resumed = trainer(4, 100).resume(DATA, file);
        assertEquals(uninterrupted.network().parameters(), resumed.network().parameters());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> trainer(4, 64).resume(DATA, file));
        assertTrue(e.getMessage().contains("memorySize 64"), e.getMessage());
    }

    @Test
    void invalidMemorySettingsNameTheField() {
        PropertyException e = assertThrows(PropertyException.class, () -> trainer(1, 16));
        assertTrue(e.getMessage().contains("memorySize") && e.getMessage().contains("16"), e.getMessage());
        e = assertThrows(PropertyException.class, () -> trainer(1, -1));
        assertTrue(e.getMessage().contains("memorySize must be >= 0"), e.getMessage());
        e = assertThrows(PropertyException.class, () -> MetricLearningTrainer.builder(NetworkSpecs.parse("mlp:8"),
                new ProxyAnchorLoss(4, 8)).epochs(1).batchSize(32).memorySize(64).build());
        assertTrue(e.getMessage().contains("memorySize") && e.getMessage().contains("ProxyAnchorLoss"),
                e.getMessage());
    }
}
