package org.dml4j.train;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import org.dml4j.eval.RetrievalEvaluator;
import org.dml4j.eval.RetrievalMode;
import org.dml4j.loss.ContrastiveLoss;
import org.dml4j.loss.ProxyAnchorLoss;
import org.dml4j.loss.TripletMarginLoss;
import org.dml4j.mining.TripletMarginMiner;
import org.dml4j.distance.LpDistance;
import org.dml4j.model.EmbeddingModel;
import org.dml4j.nd.NativeOpThreads;
import org.dml4j.nn.NetworkSpecs;
import org.dml4j.nn.optim.Adam;
import org.dml4j.nn.optim.AdamW;
import org.dml4j.nn.optim.Optimizer;
import org.dml4j.nn.optim.RmsProp;
import org.dml4j.nn.optim.Sgd;
import org.dml4j.sampling.MPerClassSampler;
import org.dml4j.testutil.Clusters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricLearningTrainerTest {

    private static final MutableDataset<Label> DATA = Clusters.dataset(4, 60, 20, 1.2, 3);

    private static MetricLearningTrainer tripletTrainer(int epochs) {
        return new MetricLearningTrainer(NetworkSpecs.parse("mlp:32,8"), new TripletMarginLoss(0.2),
                new TripletMarginMiner(0.2, TripletMarginMiner.Type.SEMIHARD, new LpDistance()),
                new MPerClassSampler(8), new Adam(), epochs, 32, 3e-3, 42);
    }

    private static double mapAtR(EmbeddingModel model, MutableDataset<Label> data) {
        int[] labels = new int[data.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = Integer.parseInt(data.getExample(i).getOutput().getLabel());
        }
        return new RetrievalEvaluator().evaluate(model.embed(data), labels, null, null, RetrievalMode.SELF)
                .means().get("map_at_r");
    }

    @Test
    void learnsEmbeddingsWhereDistanceMeansSimilarity() {
        MetricLearningTrainer untrained = tripletTrainer(1);
        double before = mapAtR(untrained.train(DATA), DATA);
        EmbeddingModel model = tripletTrainer(8).train(DATA);
        double after = mapAtR(model, DATA);
        assertTrue(after > before + 0.1 && after > 0.8, "MAP@R before " + before + ", after " + after);
        List<Prediction<Label>> predictions = model.predict(DATA);
        long correct = 0;
        for (int i = 0; i < predictions.size(); i++) {
            correct += predictions.get(i).getOutput().getLabel().equals(DATA.getExample(i).getOutput().getLabel())
                    ? 1 : 0;
        }
        assertTrue(correct > 0.9 * DATA.size(), correct + " of " + DATA.size() + " predicted correctly");
    }

    @Test
    void sameSeedSameModelDifferentSeedDifferentModel() {
        INDArray a = tripletTrainer(2).train(DATA).network().parameters().get("0.weight");
        INDArray b = tripletTrainer(2).train(DATA).network().parameters().get("0.weight");
        assertEquals(a, b);
        MetricLearningTrainer other = tripletTrainer(2).toBuilder().seed(43).build();
        assertNotEquals(a, other.train(DATA).network().parameters().get("0.weight"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp:32,8", "mlp:32,8:dropout=0.3"})
    void resumingFromACheckpointGivesTheUninterruptedResult(String network, @TempDir Path dir) {
        ProxyAnchorLoss loss = new ProxyAnchorLoss(4, 8);
        MetricLearningTrainer.Builder builder = MetricLearningTrainer.builder(NetworkSpecs.parse(network), loss)
                .epochs(4).batchSize(32).learningRate(3e-3).seed(7).validationFraction(0.2).checkpointInterval(2);
        MetricLearningTrainer full = builder.checkpointDirectory(dir.resolve("full").toString()).build();
        EmbeddingModel uninterrupted = full.train(DATA);
        assertTrue(Files.exists(dir.resolve("full").resolve(Checkpoint.fileName(2))));
        MetricLearningTrainer again = builder.checkpointDirectory(dir.resolve("again").toString()).build();
        EmbeddingModel resumed = again.resume(DATA, dir.resolve("full").resolve(Checkpoint.fileName(2)));
        assertEquals(uninterrupted.network().parameters(), resumed.network().parameters());
    }

    @Test
    void listenersSeeTheWholeRunAndCannotBreakIt() {
        List<String> events = new ArrayList<>();
        MetricLearningTrainer trainer = tripletTrainer(2).toBuilder().validationFraction(0.25).build();
        trainer.addListener(new TrainingListener() {
            @Override
            public void onRunStart(RunStart start) {
                events.add("start " + start.datasetInfo().get("dataset.size"));
                assertTrue(ProvenanceUtil.formattedProvenanceString(start.trainerProvenance()).contains("margin"));
            }

            @Override
            public void onBatchEnd(BatchEnd batch) {
                events.add("batch");
                throw new IllegalStateException("a broken listener");
            }

            @Override
            public void onEpochEnd(EpochEnd epoch) {
                events.add("epoch " + epoch.epoch() + " " + epoch.validationMetrics().containsKey("map_at_r"));
            }

            @Override
            public void onRunEnd(RunEnd end) {
                events.add("end " + end.epochs());
            }
        });
        trainer.train(DATA);
        assertEquals("start 240", events.get(0));
        assertTrue(events.contains("epoch 1 true") && events.contains("epoch 2 true"), events.toString());
        assertEquals("end 2", events.get(events.size() - 1));
        assertTrue(events.stream().filter("batch"::equals).count() >= 2);
    }

    static List<Optimizer> optimizersWithState() {
        return List.of(new Sgd(0.9, true, 1e-4), new RmsProp(0.99, 1e-8, 0.5, true, 0.01), new AdamW());
    }

    /** Optimizer state outlives the step's workspace pass: a second step must find it intact. */
    @ParameterizedTest
    @MethodSource("optimizersWithState")
    void everyOptimizerKeepsItsStateAcrossSteps(Optimizer optimizer) {
        List<Double> losses = new ArrayList<>();
        MetricLearningTrainer trainer = new MetricLearningTrainer(NetworkSpecs.parse("mlp:32,8"),
                new TripletMarginLoss(0.2), null, new MPerClassSampler(8), optimizer, 3, 32, 1e-2, 42);
        trainer.addListener(new TrainingListener() {
            @Override
            public void onEpochEnd(EpochEnd epoch) {
                losses.add(epoch.meanLoss());
            }
        });
        EmbeddingModel model = trainer.train(DATA);
        assertEquals(3, losses.size());
        assertTrue(losses.get(2) < losses.get(0), optimizer + " did not lower the loss: " + losses);
        assertTrue(mapAtR(model, DATA) > 0.5, optimizer.toString());
    }

    @Test
    void trainsWithOneNativeOpThreadAndRestoresTheCallersSetting() {
        List<Integer> seen = new ArrayList<>();
        MetricLearningTrainer trainer = tripletTrainer(1);
        trainer.addListener(new TrainingListener() {
            @Override
            public void onBatchEnd(BatchEnd batch) {
                seen.add(NativeOpThreads.current());
            }
        });
        try (NativeOpThreads caller = NativeOpThreads.limit(3)) {
            trainer.train(DATA);
            assertEquals(3, NativeOpThreads.current());
        }
        assertTrue(!seen.isEmpty() && seen.stream().allMatch(t -> t == 1), seen.toString());
    }

    @Test
    void earlyStoppingKeepsTheBestEpoch() {
        MetricLearningTrainer trainer = MetricLearningTrainer.builder(NetworkSpecs.parse("mlp:32,8"),
                new ContrastiveLoss()).epochs(30).batchSize(32).learningRate(0.5).seed(5).validationFraction(0.25)
                .patience(1).build();
        List<EpochEnd> epochs = new ArrayList<>();
        trainer.addListener(new TrainingListener() {
            @Override
            public void onEpochEnd(EpochEnd epoch) {
                epochs.add(epoch);
            }
        });
        trainer.train(DATA);
        assertTrue(epochs.size() < 30, "a huge learning rate must stall and stop early, ran " + epochs.size());
    }

    @Test
    void configuredFromAnOlcutFileWithEveryPartInTheProvenance(@TempDir Path dir) throws IOException {
        Path config = TrainerConfigs.withSampler(dir.resolve("trainer.xml"), "org.dml4j.loss.MultiSimilarityLoss",
                1, 32, 8, """
                  <component name="bad" type="org.dml4j.train.MetricLearningTrainer">
                    <property name="network" value="mlp"/>
                    <property name="loss" value="loss"/>
                    <property name="epochs" value="0"/>
                  </component>
                """);
        ConfigurationManager cm = new ConfigurationManager(config.toString());
        MetricLearningTrainer trainer = (MetricLearningTrainer) cm.lookup("trainer");
        EmbeddingModel model = trainer.train(DATA);
        String provenance = ProvenanceUtil.formattedProvenanceString(model.getProvenance());
        assertTrue(provenance.contains("MultiSimilarityLoss") && provenance.contains("MPerClassSampler"), provenance);
        RuntimeException error = assertThrows(RuntimeException.class, () -> cm.lookup("bad"));
        assertTrue(error.getMessage().contains("epochs must be >= 1"), error.getMessage());
        assertEquals(Map.of(), model.getTopFeatures(3));
    }
}
