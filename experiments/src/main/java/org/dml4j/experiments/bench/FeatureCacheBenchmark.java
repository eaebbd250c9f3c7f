package org.dml4j.experiments.bench;

import org.dml4j.data.DenseData;
import org.dml4j.data.MnistDataSource;
import org.dml4j.data.MnistFiles;
import org.dml4j.loss.TripletMarginLoss;
import org.dml4j.model.EmbeddingModel;
import org.dml4j.nd.NativeOpThreads;
import org.dml4j.nn.Backbone;
import org.dml4j.nn.EmbeddingNetwork;
import org.dml4j.nn.Layer;
import org.dml4j.nn.NetworkSpecs;
import org.dml4j.nn.onnx.OnnxRuntimeFeatures;
import org.dml4j.sampling.MPerClassSampler;
import org.dml4j.train.EpochEnd;
import org.dml4j.train.FineTuning;
import org.dml4j.train.MetricLearningTrainer;
import org.dml4j.train.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.ImmutableDataset;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A benchmark (not a test) of training a head on a frozen ONNX backbone with and without {@link FineTuning}'s feature
 * cache: the backbone's features per second through DML4J's inference pass and through onnxruntime (1 thread each,
 * alternating, median of the rounds), then the same training ({@code freeze=all,freeze-bn=true}, an embedding head,
 * triplet loss) uncached and with each cache, its epoch times (the first epoch computes the cache) and the largest
 * difference of the trained head from the uncached one.
 * <p>
 * Usage: {@code java -cp ... org.dml4j.experiments.bench.FeatureCacheBenchmark MODEL.onnx [ROWS] [EPOCHS] [ROUNDS]}
 * (defaults 10,000 Fashion-MNIST training images, 3 epochs, 3 rounds).
 */
public final class FeatureCacheBenchmark {

    private static final int BLOCK = 1024;

    private FeatureCacheBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args the ONNX backbone, then optionally the rows, the epochs and the rounds
     * @throws IOException when the images cannot be read
     */
    public static void main(String[] args) throws IOException {
        String spec = "onnx:" + args[0] + ":embedding=64,freeze=all,freeze-bn=true";
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        Dataset<Label> data = images(rows);
        System.out.printf(Locale.ROOT, "FeatureCacheBenchmark %s rows=%d epochs=%d rounds=%d cores=%d%n", spec, rows,
                epochs, rounds, Runtime.getRuntime().availableProcessors());
        featuresPerSecond(spec, data, rounds);
        Map<String, INDArray> uncached = null;
        for (FineTuning.FeatureCache cache : FineTuning.FeatureCache.values()) {
            List<Double> seconds = new ArrayList<>();
            MetricLearningTrainer trainer = MetricLearningTrainer.builder(NetworkSpecs.parse(spec),
                            new TripletMarginLoss()).sampler(new MPerClassSampler(32)).batchSize(256).epochs(epochs)
                    .fineTuning(cache == FineTuning.FeatureCache.NONE ? null : new FineTuning(1, 0, 0, cache))
                    .seed(1).build();
            trainer.addListener(new TrainingListener() {
                @Override
                public void onEpochEnd(EpochEnd end) {
                    seconds.add(end.seconds());
                }
            });
            EmbeddingModel model = trainer.train(data);
            Map<String, INDArray> head = model.network().parameters();
            double later = seconds.subList(1, seconds.size()).stream().mapToDouble(Double::doubleValue).average()
                    .orElse(Double.NaN);
            double difference = 0;
            if (uncached == null) {
                uncached = head;
            } else {
                for (Map.Entry<String, INDArray> e : head.entrySet()) {
                    difference = Math.max(difference, e.getValue().sub(uncached.get(e.getKey())).amaxNumber()
                            .doubleValue());
                }
            }
            System.out.printf(Locale.ROOT, "training cache=%-11s epoch 1 %.2f s, later epochs %.2f s (x%.1f vs "
                            + "first), head max |difference| from uncached %.2e, epochs %s%n", cache, seconds.get(0),
                    later, seconds.get(0) / later, difference, seconds);
        }
    }

    private static void featuresPerSecond(String spec, Dataset<Label> data, int rounds) {
        EmbeddingNetwork network = NetworkSpecs.parse(spec).build(784, 1, DataType.FLOAT);
        List<Layer> trunk = network.layers().subList(0, 2);
        Backbone backbone = (Backbone) trunk.get(1);
        EmbeddingNetwork trunkNetwork = new EmbeddingNetwork(trunk);
        INDArray x = DenseData.of(data, data.getFeatureIDMap()).features();
        byte[] model = backbone.onnxModel();
        double[][] seconds = new double[2][rounds];
        INDArray ours = null;
        INDArray theirs = null;
        try (NativeOpThreads threads = NativeOpThreads.limit(1)) {
            for (int r = 0; r < rounds; r++) {
                long start = System.nanoTime();
                ours = trunkNetwork.embedInBlocks(x, BLOCK);
                seconds[0][r] = (System.nanoTime() - start) / 1e9;
                start = System.nanoTime();
                theirs = OnnxRuntimeFeatures.compute(model, x, BLOCK, 1);
                seconds[1][r] = (System.nanoTime() - start) / 1e9;
            }
        }
        double dml4j = median(seconds[0]);
        double ort = median(seconds[1]);
        System.out.printf(Locale.ROOT, "features: dml4j %.0f images/s (%.2f s), onnxruntime %.0f images/s (%.2f s), "
                        + "onnxruntime/dml4j speed %.2f, max |difference| %.2e%n", x.rows() / dml4j, dml4j,
                x.rows() / ort, ort, dml4j / ort, ours.sub(theirs).amaxNumber().doubleValue());
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static Dataset<Label> images(int rows) throws IOException {
        MnistDataSource source = MnistDataSource.of(MnistFiles.locate(null), MnistFiles.Split.TRAIN);
        MutableDataset<Label> out = new MutableDataset<>(source.getProvenance(), source.getOutputFactory());
        for (Example<Label> e : source) {
            if (out.size() == rows) {
                break;
            }
            out.add(e);
        }
        return ImmutableDataset.copyDataset(out, source.featureMap(), out.getOutputIDInfo());
    }
}
