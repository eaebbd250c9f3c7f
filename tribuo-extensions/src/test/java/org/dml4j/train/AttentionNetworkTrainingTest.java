package org.dml4j.train;

import org.dml4j.loss.ContrastiveLoss;
import org.dml4j.model.EmbeddingModel;
import org.dml4j.nn.AttentionPool;
import org.dml4j.nn.GeMPool2d;
import org.dml4j.nn.NetworkSpecs;
import org.dml4j.nn.TransformerBlock;
import org.dml4j.nn.optim.Adam;
import org.dml4j.sampling.MPerClassSampler;
import org.dml4j.testutil.Clusters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A CNN with a transformer block and attention pooling (and one with GeM pooling) trains through
 * {@link MetricLearningTrainer}: the epoch loss falls, the learned parameters (GeM's exponent among them) move, and the
 * model saves and loads with the same embeddings and provenance.
 */
class AttentionNetworkTrainingTest {

    /** 3 classes of 24 noisy 1×8×8 images. */
    private static final MutableDataset<Label> DATA = Clusters.dataset(3, 24, 64, 1.0, 11);

    private static EmbeddingModel train(String network, List<Double> losses) {
        MetricLearningTrainer trainer = new MetricLearningTrainer(NetworkSpecs.parse(network), new ContrastiveLoss(),
                null, new MPerClassSampler(4), new Adam(), 6, 24, 3e-3, 5);
        trainer.addListener(new TrainingListener() {
            @Override
            public void onEpochEnd(EpochEnd epoch) {
                losses.add(epoch.meanLoss());
            }
        });
        return trainer.train(DATA);
    }

    @Test
    void attentionCnnLearnsAndRoundTripsThroughAFile(@TempDir Path dir) throws IOException {
        List<Double> losses = new ArrayList<>();
        EmbeddingModel model = train("cnn:4,attn2,8,8:image=1x8x8,pool=attention2", losses);
        assertEquals(6, losses.size());
        assertTrue(losses.get(5) < 0.8 * losses.get(0), "the epoch loss falls: " + losses);
        assertTrue(model.network().layers().stream().anyMatch(l -> l instanceof TransformerBlock));
        assertTrue(model.network().layers().stream().anyMatch(l -> l instanceof AttentionPool));

        Path file = dir.resolve("attention.dml4j");
        model.serializeToFile(file);
        EmbeddingModel loaded = (EmbeddingModel) Model.deserializeFromFile(file).castModel(Label.class);
        assertEquals(model.getProvenance(), loaded.getProvenance());
        INDArray before = model.embed(DATA);
        assertEquals(before, loaded.embed(DATA), "the loaded model embeds as the trained one");
    }

    @Test
    void gemExponentIsLearned() {
        List<Double> losses = new ArrayList<>();
        EmbeddingModel model = train("cnn:4,8,8:image=1x8x8,pool=gem", losses);
        assertTrue(losses.get(5) < losses.get(0), "the epoch loss falls: " + losses);
        GeMPool2d gem = (GeMPool2d) model.network().layers().stream().filter(l -> l instanceof GeMPool2d)
                .findFirst().orElseThrow();
        assertTrue(Math.abs(gem.p() - GeMPool2d.INITIAL_P) > 1e-4, "p moved from 3: " + gem.p());
    }
}
