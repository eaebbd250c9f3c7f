package org.dml4j.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.oracle.labs.mlrg.olcut.util.Pair;
import org.dml4j.eval.RetrievalEvaluator;
import org.dml4j.loss.ContrastiveLoss;
import org.dml4j.nn.NetworkSpecs;
import org.dml4j.sampling.MPerClassSampler;
import org.dml4j.train.MetricLearningTrainer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.ONNXExportable;
import org.tribuo.Prediction;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.classification.xgboost.XGBoostClassificationTrainer;
import org.tribuo.evaluation.CrossValidation;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any Tribuo pipeline tracked on a real server through {@link TribuoTracking}: Tribuo's own logistic regression and
 * XGBoost trainers (params from their provenance, train and test inputs, metrics, confusion matrix, the model that
 * loads back), and {@link CrossValidation} as a parent run with one nested run per fold (issue 16).
 */
@Tag("mlflow-compat")
@ExtendWith(MlflowServerExtension.class)
class TribuoTrackingTest {

    private static final String EXPERIMENT = "tribuo-tracking-test";

    @TempDir
    Path temp;

    @Test
    void logisticRegressionIsTrackedWithItsParamsDataMetricsConfusionMatrixAndModel(MlflowServer server)
            throws Exception {
        trackOneRun(server, "logistic-regression", new LogisticRegressionTrainer(), "trainer.epochs", "5");
    }

    @Test
    void xgboostIsTrackedWithItsParamsDataMetricsConfusionMatrixAndModel(MlflowServer server) throws Exception {
        trackOneRun(server, "xgboost", new XGBoostClassificationTrainer(10), "trainer.numTrees", "10");
    }

    private void trackOneRun(MlflowServer server, String name, Trainer<Label> trainer, String param, String value)
            throws Exception {
        MlflowRestClient client = new MlflowRestClient(MlflowConnection.of(server.uri()));
        MutableDataset<Label> train = BlobCsv.load(BlobCsv.write(temp.resolve("train.csv"), 120, 6, 3, 1));
        MutableDataset<Label> test = BlobCsv.load(BlobCsv.write(temp.resolve("test.csv"), 60, 6, 3, 2));
        TrackedRun run = tracking(client).run(name);

        Model<Label> model = run.train(trainer, train);
        LabelEvaluation evaluation = run.evaluate(new LabelEvaluator(), model, test, DatasetInput.TEST);
        run.logModel(model, null);
        TrackingOutcome outcome = run.finish();

        assertTrue(outcome.delivered(), outcome.message());
        String runId = run.runId().orElseThrow();
        Map<String, String> params = ServerRuns.params(client, runId);
        assertEquals(value, params.get(param), params.toString());
        assertEquals(trainer.getClass().getName(), params.get("trainer.class-name"), params.toString());
        assertEquals("120", params.get("data.dataset.size"));
        List<ServerRuns.Input> inputs = ServerRuns.inputs(client, runId);
        assertEquals(List.of("train.csv:train", "test.csv:test"), inputs.stream()
                .map(input -> input.name() + ":" + input.context()).sorted((a, b) -> b.compareTo(a)).toList());

        Map<String, Double> metrics = ServerRuns.metrics(client, runId);
        assertEquals(evaluation.accuracy(), metrics.get("accuracy"), 1e-12);
        assertEquals(evaluation.macroAveragedF1(), metrics.get("macro_f1"), 1e-12, metrics.toString());
        assertEquals(evaluation.f1(new Label("class1")), metrics.get("f1/class1"), 1e-12, metrics.toString());
        assertTrue(evaluation.accuracy() > 0.9, "the blobs are easy: " + evaluation.accuracy());

        RunInfo info = client.runInfo(runId);
        String matrix = new String(client.downloadArtifact(info, "evaluation/test/confusion_matrix.csv"),
                StandardCharsets.UTF_8);
        String[] lines = matrix.split("\n");
        assertEquals(4, lines.length, matrix);
        long total = 0;
        for (int row = 1; row < lines.length; row++) {
            String[] cells = lines[row].split(",");
            String truth = cells[0];
            for (int column = 1; column < cells.length; column++) {
                String predicted = lines[0].split(",")[column];
                assertEquals((long) evaluation.confusion(new Label(predicted), new Label(truth)),
                        Long.parseLong(cells[column]), matrix);
                total += Long.parseLong(cells[column]);
            }
        }
        assertEquals(60, total, matrix);

        LoggedModelClient models = new LoggedModelClient(client);
        JsonNode outputs = client.getRun(info.runId()).path("outputs").path("model_outputs");
        assertEquals(1, outputs.size(), "the run's one logged model: " + outputs);
        String modelId = outputs.get(0).path("model_id").asText();
        assertEquals("LOGGED_MODEL_READY", models.get(modelId).path("info").path("status").asText());
        String mlModel = new String(models.downloadArtifact(modelId, "MLmodel"), StandardCharsets.UTF_8);
        assertTrue(mlModel.contains("dml4j:") && mlModel.contains("tribuo-protobuf")
                && mlModel.contains(ModelDirectory.TRIBUO_FILE), mlModel);
        boolean exportable = model instanceof ONNXExportable;
        assertEquals(exportable, mlModel.contains("onnx:") && mlModel.contains("python_function:"),
                "the onnx and python_function flavors exactly for an ONNX-exportable model: " + mlModel);
        Path copy = Files.write(temp.resolve("copy.tribuo"), models.downloadArtifact(modelId,
                ModelDirectory.TRIBUO_FILE));
        Model<Label> loaded = Model.deserializeFromFile(copy).castModel(Label.class);
        List<Prediction<Label>> expected = model.predict(test);
        List<Prediction<Label>> actual = loaded.predict(test);
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).getOutput().getLabel(), actual.get(i).getOutput().getLabel());
        }
    }

    @Test
    void crossValidationIsAParentRunWithOneNestedRunPerFold(MlflowServer server) {
        MlflowRestClient client = new MlflowRestClient(MlflowConnection.of(server.uri()));
        MutableDataset<Label> data = BlobCsv.load(BlobCsv.write(temp.resolve("cv.csv"), 90, 4, 3, 5));

        TribuoTracking.CrossValidationRuns<Label, LabelEvaluation> runs = tracking(client).crossValidate("cv-lr",
                new LogisticRegressionTrainer(), data, new LabelEvaluator(), 3, 17);

        assertTrue(runs.parent().delivered(), runs.parent().message());
        List<Pair<LabelEvaluation, Model<Label>>> untracked = new CrossValidation<>(new LogisticRegressionTrainer(),
                data, new LabelEvaluator(), 3, 17).evaluate();
        String parentId = runs.parent().run().runId();
        List<String> children = ServerRuns.children(client, runs.parent().run().experimentId(), parentId);
        assertEquals(3, children.size(), children.toString());
        double sum = 0;
        for (int fold = 0; fold < 3; fold++) {
            String child = children.get(fold);
            assertEquals(runs.folds().get(fold).run().runId(), child);
            assertEquals("cv-lr-fold-" + (fold + 1), ServerRuns.tags(client, child).get("mlflow.runName"));
            double accuracy = runs.results().get(fold).getA().accuracy();
            assertEquals(untracked.get(fold).getA().accuracy(), accuracy, 1e-12, "tracking changed the folds");
            assertEquals(accuracy, ServerRuns.metrics(client, child).get("accuracy"), 1e-12);
            assertEquals("5", ServerRuns.params(client, child).get("trainer.epochs"));
            List<ServerRuns.Input> inputs = ServerRuns.inputs(client, child);
            assertEquals(2, inputs.size(), inputs.toString());
            assertEquals(90, inputs.stream().mapToInt(i -> i.profile().path("num_rows").asInt()).sum(),
                    "a fold's train and test rows are the data: " + inputs);
            sum += accuracy;
        }
        Map<String, Double> parentMetrics = ServerRuns.metrics(client, parentId);
        assertEquals(sum / 3, parentMetrics.get("accuracy"), 1e-12);
        assertTrue(parentMetrics.containsKey("std/accuracy"), parentMetrics.toString());
        assertEquals("3", ServerRuns.params(client, parentId).get("data.cv.folds"));
    }

    @Test
    void aTrackerOnATrainerThatTribuoCrossValidatesKeepsTheFirstRunCleanInsteadOfMergingFolds(MlflowServer server) {
        MlflowRestClient client = new MlflowRestClient(MlflowConnection.of(server.uri()));
        MutableDataset<Label> data = BlobCsv.load(BlobCsv.write(temp.resolve("folds.csv"), 48, 4, 4, 6));
        MlflowTracker tracker = new MlflowTracker(client, TrackerOptions.forExperiment(EXPERIMENT)
                .withSpoolRoot(temp.resolve("spool")).withRunName("listener-cv"));
        MetricLearningTrainer trainer = MetricLearningTrainer.builder(NetworkSpecs.parse("mlp:8,4"),
                new ContrastiveLoss()).sampler(new MPerClassSampler(3)).epochs(2).batchSize(12).seed(3).build();
        trainer.addListener(tracker);

        new CrossValidation<>(trainer, data, new RetrievalEvaluator(), 2, 1).evaluate();
        TrackingOutcome outcome = tracker.finish();

        assertTrue(outcome.delivered(), outcome.message());
        String runId = outcome.run().runId();
        assertEquals(List.of(1L, 2L), TrackedRunTest.steps(client, outcome.run(), "train/loss"),
                "the second fold's epochs went into the first fold's run");
        assertEquals(1, client.metricHistory(runId, "train/epochs").size());
    }

    @Test
    void aDml4jTrainerCrossValidatesWithItsCurvesInEachFoldRun(MlflowServer server) {
        MlflowRestClient client = new MlflowRestClient(MlflowConnection.of(server.uri()));
        MutableDataset<Label> data = BlobCsv.load(BlobCsv.write(temp.resolve("dml4j-cv.csv"), 48, 4, 4, 8));
        MetricLearningTrainer trainer = MetricLearningTrainer.builder(NetworkSpecs.parse("mlp:8,4"),
                new ContrastiveLoss()).sampler(new MPerClassSampler(3)).epochs(2).batchSize(12).seed(3).build();

        TribuoTracking.CrossValidationRuns<Label, org.dml4j.eval.RetrievalEvaluation> runs = tracking(client)
                .crossValidate("cv-dml4j", trainer, data, new RetrievalEvaluator(), 2, 1);

        assertEquals(2, runs.folds().size());
        for (int fold = 0; fold < 2; fold++) {
            RunInfo run = runs.folds().get(fold).run();
            assertEquals(List.of(1L, 2L), TrackedRunTest.steps(client, run, "train/loss"));
            assertEquals(runs.results().get(fold).getA().summary().get("map_at_r"),
                    ServerRuns.metrics(client, run.runId()).get("map_at_r"), 1e-12);
        }
        assertTrue(ServerRuns.metrics(client, runs.parent().run().runId()).containsKey("map_at_r"));
    }

    private TribuoTracking tracking(MlflowRestClient client) {
        return new TribuoTracking(client, TrackerOptions.forExperiment(EXPERIMENT)
                .withSpoolRoot(temp.resolve("spool")));
    }
}
