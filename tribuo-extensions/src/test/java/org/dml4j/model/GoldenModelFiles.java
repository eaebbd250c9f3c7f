package org.dml4j.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.dml4j.loss.TripletMarginLoss;
import org.dml4j.nn.NetworkSpecs;
import org.dml4j.sampling.MPerClassSampler;
import org.dml4j.nn.optim.Adam;
import org.dml4j.testutil.Clusters;
import org.dml4j.train.MetricLearningTrainer;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the committed golden model file of the current format version and what it must reproduce:
 * {@code java ... GoldenModelFiles DIR}. Run it only when the model format version changes, keeping the old files so
 * older versions stay readable.
 */
public final class GoldenModelFiles {

    /**
     * @param version a model format version
     * @return the committed model file of that version
     */
    static String model(int version) {
        return "embedding-model-v" + version + ".dml4j";
    }

    /**
     * @param version a model format version
     * @return what the committed model file of that version must reproduce
     */
    static String expected(int version) {
        return "embedding-model-v" + version + ".expected.json";
    }

    private GoldenModelFiles() {
    }

    static MutableDataset<Label> probes() {
        return Clusters.dataset(3, 4, 10, 1.0, 101);
    }

    /**
     * Trains and writes the files.
     *
     * @param args the output folder
     * @throws IOException if they cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        MetricLearningTrainer trainer = new MetricLearningTrainer(NetworkSpecs.parse("mlp:16,4"),
                new TripletMarginLoss(0.2), null, new MPerClassSampler(4), new Adam(), 2, 12, 1e-2, 1);
        EmbeddingModel model = trainer.train(Clusters.dataset(3, 20, 10, 1.0, 100));
        model.serializeToFile(dir.resolve(model(EmbeddingModel.CURRENT_VERSION)));
        MutableDataset<Label> probes = probes();
        List<float[]> embeddings = new ArrayList<>();
        List<String> predictions = new ArrayList<>();
        for (Example<Label> e : probes) {
            embeddings.add(model.embed(e));
            predictions.add(model.predict(e).getOutput().getLabel());
        }
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("embeddings", embeddings);
        expected.put("predictions", predictions);
        new ObjectMapper().writerWithDefaultPrettyPrinter()
                .writeValue(dir.resolve(expected(EmbeddingModel.CURRENT_VERSION)).toFile(), expected);
    }
}
