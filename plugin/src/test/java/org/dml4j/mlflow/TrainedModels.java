package org.dml4j.mlflow;

import org.dml4j.loss.ContrastiveLoss;
import org.dml4j.model.EmbeddingModel;
import org.dml4j.nn.NetworkSpecs;
import org.dml4j.nn.optim.Adam;
import org.dml4j.sampling.MPerClassSampler;
import org.dml4j.train.MetricLearningTrainer;
import org.tribuo.Feature;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import java.util.Random;

/** Small real embedding models trained on Gaussian clusters of 64 features (also 1×8×8 images), for model logging. */
final class TrainedModels {

    /** The features of each example. */
    static final int FEATURES = 64;

    private TrainedModels() {
    }

    /**
     * Three clusters of 16 examples.
     *
     * @return the data
     */
    static MutableDataset<Label> data() {
        Random random = new Random(11);
        MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance("clusters",
                new LabelFactory()), new LabelFactory());
        for (int c = 0; c < 3; c++) {
            double[] centre = random.doubles(FEATURES, -2, 2).toArray();
            for (int i = 0; i < 16; i++) {
                ArrayExample<Label> example = new ArrayExample<>(new Label("c" + c));
                for (int f = 0; f < FEATURES; f++) {
                    example.add(new Feature(String.format("f%02d", f), centre[f] + random.nextGaussian()));
                }
                data.add(example);
            }
        }
        return data;
    }

    /**
     * Trains a model for two epochs.
     *
     * @param network the network spec, e.g. {@code mlp:32,8}
     * @param data    the data
     * @return the model
     */
    static EmbeddingModel train(String network, MutableDataset<Label> data) {
        return new MetricLearningTrainer(NetworkSpecs.parse(network), new ContrastiveLoss(), null,
                new MPerClassSampler(4), new Adam(), 2, 12, 1e-2, 3).train(data);
    }
}
