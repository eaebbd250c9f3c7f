package org.dml4j.train;

import org.dml4j.augment.GaussianNoise;
import org.dml4j.data.ImageDataSource;
import org.dml4j.data.ImageFormat;
import org.dml4j.data.UnlabeledData;
import org.dml4j.data.UnlabeledImageFolder;
import org.dml4j.loss.NTXentLoss;
import org.dml4j.loss.PrototypicalLoss;
import org.dml4j.loss.SelfSupervisedLoss;
import org.dml4j.loss.TripletMarginLoss;
import org.dml4j.model.EmbeddingModel;
import org.dml4j.nn.MlpSpec;
import org.dml4j.sampling.EpisodeSampler;
import org.dml4j.sampling.MPerClassSampler;
import org.dml4j.sampling.ShuffleSampler;
import org.dml4j.testutil.Clusters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Unlabeled examples (Tribuo's unknown label): self-supervised training learns from them exactly as from the same
 * examples with labels, and every other use of them fails naming the data, the example and the fix.
 */
class UnlabeledTrainingTest {

    private static final MlpSpec NETWORK = new MlpSpec(new int[]{16}, 8);

    private static MetricLearningTrainer.Builder simclr() {
        return MetricLearningTrainer.builder(NETWORK, new SelfSupervisedLoss(new NTXentLoss()))
                .selfSupervision(new SelfSupervision(new GaussianNoise(0.3), null)).sampler(new ShuffleSampler())
                .epochs(2).batchSize(32).learningRate(3e-3).seed(7);
    }

    /** The examples with Tribuo's unknown label in place of theirs. */
    private static MutableDataset<Label> unlabeled(MutableDataset<Label> data) {
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> out = new MutableDataset<>(new SimpleDataSourceProvenance("unlabeled clusters",
                factory), factory);
        data.forEach(e -> out.add(new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, e, 1f)));
        return out;
    }

    @Test
    void selfSupervisedTrainingLearnsFromUnlabeledExamplesAsFromLabelledOnes(@TempDir Path dir) throws IOException {
        MutableDataset<Label> labelled = Clusters.dataset(4, 24, 10, 0.3, 3);
        MutableDataset<Label> data = unlabeled(labelled);
        assertEquals(data.size(), data.getOutputInfo().getUnknownCount(), "Tribuo counts them as unknown");
        EmbeddingModel model = simclr().build().train(data);
        assertEquals(simclr().build().train(labelled).embed(labelled), model.embed(labelled),
                "the labels never mattered");
        assertEquals(Label.UNKNOWN, model.predict(labelled.getExample(0)).getOutput().getLabel(),
                "its references have no label, so neither have its predictions");
        Path file = dir.resolve("unlabeled.dml4j");
        model.serializeToFile(file);
        EmbeddingModel loaded = (EmbeddingModel) Model.deserializeFromFile(file).castModel(Label.class);
        assertEquals(model.embed(labelled), loaded.embed(labelled));
    }

    @Test
    void supervisedEpisodicAndValidatedRunsRefuseUnlabeledExamples() {
        MutableDataset<Label> data = unlabeled(Clusters.dataset(4, 24, 10, 0.3, 4));
        MetricLearningTrainer supervised = MetricLearningTrainer.builder(NETWORK, new TripletMarginLoss())
                .sampler(new MPerClassSampler(4)).epochs(1).batchSize(16).build();
        String message = assertThrows(IllegalArgumentException.class, () -> supervised.train(data)).getMessage();
        assertTrue(message.startsWith("training example 0 of unlabeled clusters has no label (Tribuo's unknown "
                + "label LABEL##UNKNOWN), but supervised training learns from class labels"), message);
        assertTrue(message.contains("--mode self-supervised"), message);
        MetricLearningTrainer episodic = MetricLearningTrainer.builder(NETWORK, new PrototypicalLoss(1))
                .sampler(new EpisodeSampler(2, 1, 2, 4)).batchSize(6).epochs(1).build();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> episodic.train(data)).getMessage()
                .contains("but episodic training learns from class labels"));
        MetricLearningTrainer validated = simclr().validationFraction(0.2).build();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> validated.train(data)).getMessage()
                .contains("but validation ranks by class labels: set validationFraction to 0"));

        MutableDataset<Label> mixed = Clusters.dataset(4, 24, 10, 0.3, 4);
        mixed.add(new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, mixed.getExample(0), 1f));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> supervised.train(mixed)).getMessage()
                .startsWith("training example 96 of clusters-4 has no label"));
    }

    @Test
    void episodicTrainingNamesAClassTooSmallForItsEpisodes() {
        MutableDataset<Label> data = Clusters.dataset(4, 6, 10, 0.3, 5);
        MetricLearningTrainer episodic = MetricLearningTrainer.builder(NETWORK, new PrototypicalLoss(2))
                .sampler(new EpisodeSampler(3, 2, 5, 4)).batchSize(21).epochs(1).build();
        String message = assertThrows(IllegalArgumentException.class, () -> episodic.train(data)).getMessage();
        assertEquals("episodic training on clusters-5: class '0' has 6 examples, fewer than the 7 (shot + queries) "
                + "an episode draws from each class: lower the shot or the queries to at most 6 in all, or leave "
                + "the class out", message);
    }

    @Test
    void aFolderOfImagesReadsAsUnlabeledExamples(@TempDir Path dir) throws IOException {
        for (int i = 0; i < 3; i++) {
            BufferedImage image = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
            image.getRaster().setSample(i, i, 0, 200);
            ImageIO.write(image, "png", dir.resolve("img" + i + ".png").toFile());
        }
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        ImageDataSource source = new ImageDataSource(UnlabeledImageFolder.read(dir), new ImageFormat(4, 1),
                "unlabeled " + dir);
        MutableDataset<Label> data = new MutableDataset<>(source);
        assertEquals(3, data.size());
        assertEquals(3, data.getOutputInfo().getUnknownCount());
        for (Example<Label> example : data) {
            assertTrue(UnlabeledData.isUnlabeled(example));
        }
        Path labelledLayout = Files.createDirectories(dir.resolve("classes/cat"));
        Files.move(dir.resolve("img0.png"), labelledLayout.resolve("img0.png"));
        String message = assertThrows(IOException.class,
                () -> UnlabeledImageFolder.read(dir.resolve("classes"))).getMessage();
        assertTrue(message.contains("holds no image file but sub-folders, the layout of labelled data"), message);
        assertTrue(assertThrows(IOException.class, () -> UnlabeledImageFolder.read(dir.resolve("missing")))
                .getMessage().contains("does not exist"));
    }
}
