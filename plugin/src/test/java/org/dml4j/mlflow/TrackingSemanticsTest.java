package org.dml4j.mlflow;

import org.mlflow.api.proto.Service;
import org.dml4j.eval.RetrievalEvaluation;
import org.dml4j.eval.RetrievalEvaluator;
import org.dml4j.loss.ContrastiveLoss;
import org.dml4j.model.EmbeddingModel;
import org.dml4j.nn.NetworkSpecs;
import org.dml4j.sampling.MPerClassSampler;
import org.dml4j.train.MetricLearningTrainer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A DML4J training run tracked through the Java API on a real server, read back: the datasets are run inputs,
 * validation metrics are prefixed and the plain names are the test metrics, full-ranking {@code map} is logged by
 * default, the params are the hyperparameters (a fixed number, whatever the data) and the experiment opens in the
 * UI's training view (issue 16).
 */
@Tag("mlflow-compat")
@ExtendWith(MlflowServerExtension.class)
class TrackingSemanticsTest {

    private static final String EXPERIMENT = "tracking-semantics-test";
    private static final int EPOCHS = 2;

    @TempDir
    Path temp;

    @Test
    void aTrackedRunShowsItsDatasetsSeparatesValidationFromTestAndLogsOnlyHyperparameters(MlflowServer server) {
        MlflowRestClient client = new MlflowRestClient(MlflowConnection.of(server.uri()));
        Path smallCsv = BlobCsv.write(temp.resolve("small.csv"), 48, 4, 4, 1);
        Path largeCsv = BlobCsv.write(temp.resolve("large.csv"), 480, 64, 4, 2);
        MutableDataset<Label> test = BlobCsv.load(BlobCsv.write(temp.resolve("test.csv"), 40, 4, 4, 3));

        Tracked small = trainTracked(client, BlobCsv.load(smallCsv), test, "small");
        Tracked large = trainTracked(client, BlobCsv.load(largeCsv), null, "large");

        // params: the hyperparameters and a few data facts, never the dataset's provenance
        Map<String, String> smallParams = ServerRuns.params(client, small.runId());
        Map<String, String> largeParams = ServerRuns.params(client, large.runId());
        assertEquals(smallParams.keySet(), largeParams.keySet(), "the params grow with the data");
        assertTrue(smallParams.size() < 80, smallParams.size() + " params: " + smallParams.keySet());
        assertTrue(smallParams.keySet().stream().noneMatch(k -> k.startsWith("dataset.")), smallParams.toString());
        assertEquals("0.25", smallParams.get("trainer.validationFraction"));
        assertEquals("true", smallParams.get("trainer.validationFullRanking"));
        RunInfo smallRun = client.runInfo(small.runId());
        String datasetProvenance = new String(client.downloadArtifact(smallRun, "provenance/dataset.json"),
                StandardCharsets.UTF_8);
        assertTrue(datasetProvenance.contains("small.csv") && datasetProvenance.contains("f3"), datasetProvenance);

        // the datasets: the training rows and the validation split of the CSV, and the test data
        List<ServerRuns.Input> inputs = ServerRuns.inputs(client, small.runId());
        Map<String, ServerRuns.Input> byContext = inputs.stream()
                .collect(Collectors.toMap(ServerRuns.Input::context, input -> input));
        assertEquals(Set.of("train", "validation", "test"), byContext.keySet(), inputs.toString());
        assertEquals("small.csv", byContext.get("train").name());
        assertEquals("small.csv", byContext.get("validation").name());
        assertEquals("test.csv", byContext.get("test").name());
        assertEquals(36, byContext.get("train").profile().path("num_rows").asInt());
        assertEquals(12, byContext.get("validation").profile().path("num_rows").asInt());
        assertEquals(4, byContext.get("train").profile().path("num_features").asInt());
        assertEquals("local", byContext.get("train").sourceType());
        assertTrue(byContext.get("train").source().contains(smallCsv.toUri().getPath()), byContext.toString());
        assertTrue(byContext.get("train").schema().contains("\"f3\""), byContext.get("train").schema());
        assertTrue(byContext.get("train").digest().matches("[0-9a-f]{16}"), byContext.toString());
        assertNotEquals(byContext.get("train").digest(), byContext.get("validation").digest());
        assertEquals(byContext.get("train").digest(), DatasetInput.of(small.trainRows(), "train").digest(),
                "the digest is a function of the data's provenance");

        // metrics: validation under val/, with full-ranking map; the plain names are the test metrics
        Map<String, Double> metrics = ServerRuns.metrics(client, small.runId());
        for (String name : List.of("precision_at_1", "recall_at_1", "recall_at_4", "map", "map_at_r", "ndcg_at_4")) {
            assertTrue(metrics.containsKey("val/" + name), "no val/" + name + " in " + metrics.keySet());
            assertTrue(metrics.containsKey(name), "no test " + name + " in " + metrics.keySet());
        }
        for (String name : List.of("precision_at_1", "map", "map_at_r")) {
            List<MetricPoint> history = client.metricHistory(small.runId(), name);
            assertEquals(1, history.size(), name + " holds more than the test value: " + history);
            assertEquals(small.test().summary().get(name), history.get(0).value(), 1e-12, name);
        }
        assertTrue(large.test() == null && ServerRuns.metrics(client, large.runId()).keySet().stream()
                        .noneMatch(k -> k.equals("precision_at_1") || k.equals("map_at_r")),
                "a run without test data has no plain-named retrieval metrics");

        // the experiment opens in the training view
        String experimentId = smallRun.experimentId();
        Service.Experiment experiment = new MlflowHttp(client.connection()).get("experiments/get",
                Service.GetExperiment.newBuilder().setExperimentId(experimentId).build(),
                Service.GetExperiment.Response.getDefaultInstance()).getExperiment();
        assertTrue(experiment.getTagsList().contains(Service.ExperimentTag.newBuilder()
                .setKey(MlflowKeys.EXPERIMENT_KIND_TAG).setValue(MlflowKeys.MODEL_TRAINING_KIND).build()),
                experiment.toString());
    }

    @Test
    void fullRankingMapCanBeTurnedOffAndTheRunSaysSo(MlflowServer server) {
        MlflowRestClient client = new MlflowRestClient(MlflowConnection.of(server.uri()));
        MutableDataset<Label> data = BlobCsv.load(BlobCsv.write(temp.resolve("data.csv"), 48, 4, 4, 4));
        MlflowTracker tracker = new MlflowTracker(client, TrackerOptions.forExperiment(EXPERIMENT)
                .withSpoolRoot(temp.resolve("spool")).withRunName("no-map"));
        MetricLearningTrainer trainer = builder().validationFullRanking(false).build();
        trainer.addListener(tracker);
        trainer.train(data);
        TrackingOutcome outcome = tracker.finish();

        assertTrue(outcome.delivered(), outcome.message());
        String runId = outcome.run().runId();
        assertEquals(runId, tracker.runId().orElseThrow(), "the run-id accessor names the server's run");
        assertEquals("false", ServerRuns.params(client, runId).get("trainer.validationFullRanking"));
        Map<String, Double> metrics = ServerRuns.metrics(client, runId);
        assertFalse(metrics.containsKey("val/map"), metrics.keySet().toString());
        assertTrue(metrics.containsKey("val/map_at_r"), metrics.keySet().toString());
    }

    private static MetricLearningTrainer.Builder builder() {
        return MetricLearningTrainer.builder(NetworkSpecs.parse("mlp:8,4"), new ContrastiveLoss())
                .sampler(new MPerClassSampler(3)).epochs(EPOCHS).batchSize(12).learningRate(1e-2).seed(7)
                .validationFraction(0.25);
    }

    /** Trains with a tracker as listener, then logs the test evaluation (when there is test data). */
    private Tracked trainTracked(MlflowRestClient client, MutableDataset<Label> data, MutableDataset<Label> test,
                                 String name) {
        MlflowTracker tracker = new MlflowTracker(client, TrackerOptions.forExperiment(EXPERIMENT)
                .withSpoolRoot(temp.resolve("spool")).withRunName(name));
        MetricLearningTrainer trainer = builder().build();
        Recorder recorder = new Recorder();
        trainer.addListener(recorder);
        trainer.addListener(tracker);
        EmbeddingModel model = trainer.train(data);
        RetrievalEvaluation evaluation = null;
        if (test != null) {
            evaluation = new RetrievalEvaluator().withFullRanking(true).evaluate(model, test);
            tracker.logDatasets(List.of(DatasetInput.of(test, DatasetInput.TEST)));
            tracker.logResults(evaluation.summary(), DatasetInput.TEST, EPOCHS);
        }
        TrackingOutcome outcome = tracker.finish();
        assertTrue(outcome.delivered(), outcome.message());
        return new Tracked(outcome.run().runId(), recorder.train, evaluation);
    }

    /** Keeps the training rows the trainer reports at its start. */
    private static final class Recorder implements org.dml4j.train.TrainingListener {
        private org.tribuo.Dataset<Label> train;

        @Override
        public void onRunStart(org.dml4j.train.RunStart start) {
            train = start.datasets().get(org.dml4j.train.RunStart.TRAIN);
        }
    }

    private record Tracked(String runId, org.tribuo.Dataset<Label> trainRows, RetrievalEvaluation test) {
    }
}
