package org.dml4j.model;

import org.dml4j.index.ExactKnn;
import org.dml4j.index.HnswIndexSpec;
import org.dml4j.index.NearestNeighbourIndex;
import org.dml4j.index.OpenSetMatch;
import org.dml4j.index.OpenSetMatcher;
import org.dml4j.loss.ContrastiveLoss;
import org.dml4j.nn.NetworkSpecs;
import org.dml4j.train.MetricLearningTrainer;
import org.dml4j.testutil.Clusters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An {@link EmbeddingModel} searching its reference set through an index, and the digest that ties the two. */
class EmbeddingModelIndexTest {

    private static final MutableDataset<Label> DATA = Clusters.dataset(3, 20, 10, 1.0, 100);
    /** A beam as large as the reference set: the graph search is exact. */
    private static final HnswIndexSpec EXHAUSTIVE = new HnswIndexSpec(4, 60, 400, 1);

    private static EmbeddingModel train(long seed) {
        return new MetricLearningTrainer(NetworkSpecs.parse("mlp:16,4"), new ContrastiveLoss(), null,
                new org.dml4j.sampling.MPerClassSampler(4), new org.dml4j.nn.optim.Adam(), 2, 12, 1e-2, seed)
                .train(DATA);
    }

    private static List<Prediction<Label>> predictions(EmbeddingModel model) {
        List<Prediction<Label>> out = new ArrayList<>();
        for (Example<Label> e : DATA) {
            out.add(model.predict(e));
        }
        return out;
    }

    @Test
    void predictionsThroughAnExhaustiveIndexEqualExactOnesAndTheIndexComesBackFromItsFile(@TempDir Path dir)
            throws IOException {
        EmbeddingModel model = train(3);
        List<Prediction<Label>> exact = predictions(model);
        NearestNeighbourIndex index = model.buildIndex(EXHAUSTIVE);
        assertEquals(model.references().size(), index.size());
        assertTrue(model.index().isPresent());
        List<Prediction<Label>> indexed = predictions(model);
        for (int i = 0; i < exact.size(); i++) {
            assertEquals(exact.get(i).getOutputScores(), indexed.get(i).getOutputScores(), "example " + i);
        }
        Path indexFile = dir.resolve("model.hnsw");
        model.saveIndex(indexFile);
        // the digest survives the model file: the loaded model accepts the index
        Path modelFile = dir.resolve("model.dml4j");
        model.serializeToFile(modelFile);
        EmbeddingModel loaded = (EmbeddingModel) Model.deserializeFromFile(modelFile).castModel(Label.class);
        assertArrayEquals(model.digest(), loaded.digest());
        assertFalse(loaded.index().isPresent());
        loaded.useIndex(indexFile);
        List<Prediction<Label>> reloaded = predictions(loaded);
        for (int i = 0; i < exact.size(); i++) {
            assertEquals(exact.get(i).getOutputScores(), reloaded.get(i).getOutputScores(), "example " + i);
        }
        loaded.stopUsingIndex();
        assertFalse(loaded.index().isPresent());
    }

    @Test
    void anotherModelRefusesTheIndex(@TempDir Path dir) throws IOException {
        EmbeddingModel model = train(3);
        EmbeddingModel other = train(4);
        assertFalse(java.util.Arrays.equals(model.digest(), other.digest()));
        model.buildIndex(EXHAUSTIVE);
        Path indexFile = dir.resolve("model.hnsw");
        model.saveIndex(indexFile);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.useIndex(indexFile));
        assertTrue(e.getMessage().contains("was built for another model"), e.getMessage());
        assertFalse(other.index().isPresent());
        assertThrows(IllegalStateException.class, () -> other.saveIndex(dir.resolve("none.hnsw")));
        assertFalse(Files.exists(dir.resolve("none.hnsw")));
    }

    @Test
    void openSetMatcherThroughAnIndexMatchesTheExactOne() {
        EmbeddingModel model = train(3);
        INDArray references = model.references().embeddings();
        int[] labels = model.references().outputIds();
        NearestNeighbourIndex index = model.buildIndex(EXHAUSTIVE);
        INDArray queries = model.embed(DATA);
        List<OpenSetMatch> exact = new OpenSetMatcher(new ExactKnn(model.distance()), references, labels, 0.5)
                .match(queries);
        List<OpenSetMatch> indexed = new OpenSetMatcher(index, labels, 0.5).match(queries);
        assertEquals(exact.size(), indexed.size());
        for (int i = 0; i < exact.size(); i++) {
            assertEquals(exact.get(i).referenceIndex(), indexed.get(i).referenceIndex(), "query " + i);
            assertEquals(exact.get(i).known(), indexed.get(i).known(), "query " + i);
            assertEquals(exact.get(i).distance(), indexed.get(i).distance(), 1e-5, "query " + i);
        }
        assertThrows(IllegalArgumentException.class, () -> new OpenSetMatcher(index, new int[3], 0.5));
    }
}
