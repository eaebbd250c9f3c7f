package org.dml4j.train;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.eval.RetrievalEvaluator;
import org.dml4j.eval.RetrievalMode;
import org.dml4j.loss.ContrastiveLoss;
import org.dml4j.loss.ProxyAnchorLoss;
import org.dml4j.model.EmbeddingModel;
import org.dml4j.nn.NetworkSpecs;
import org.dml4j.nn.optim.Adam;
import org.dml4j.sampling.MPerClassSampler;
import org.dml4j.testutil.Clusters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
