package org.dml4j.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import org.mlflow.api.proto.Service;
import org.dml4j.train.RunEnd;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A simulated training run tracked on a real MLflow server, read back through the REST API. */
@Tag("mlflow-compat")
@ExtendWith(MlflowServerExtension.class)
class TrackedRunTest {

    private static final String PASSWORD = "s3cret-Passw0rd-xyz";

    @TempDir
    Path temp;

    @Test
    void everythingLoggedIsOnTheServer(MlflowServer server) throws Exception {
        MlflowRestClient client = new MlflowRestClient(MlflowConnection.of(server.uri())
                .withCredentials(new Credentials("alice", PASSWORD, null)));
        TrackerOptions options = TrackerOptions.forExperiment("tracked-run-test").withSpoolRoot(temp.resolve("spool"))
                .withBatchLossEvery(2).withDescription("Triplet loss on blobs; db password " + PASSWORD)
                .withSource("0123456789abcdef0123456789abcdef01234567", "dml4j-test");
        MlflowTracker tracker = new MlflowTracker(client, options);
        tracker.onRunStart(SimulatedTraining.start("triplet-blobs", Map.of("db_password", PASSWORD,
                "source", "jdbc://user:" + PASSWORD + "@host/db")));
        SimulatedTraining.epochs(tracker, 1, 3);
        tracker.onRunEnd(new RunEnd(null, Map.of("precision_at_1", 0.53, "map", 0.42), 3, 1.5));
        tracker.logResults(Map.of("precision_at_1", 0.61), DatasetInput.TEST, 3);
        tracker.logParams(Map.of("notes", "n".repeat(7000)));
        tracker.logMetrics(Map.of("test/diverged", Double.NaN), 3);
        byte[] evalBytes = randomBytes(5000, 1);
        byte[] modelBytes = randomBytes(20000, 2);
        Path eval = Files.write(temp.resolve("queries.csv"), evalBytes);
        Path model = Files.write(temp.resolve("model.tribuo"), modelBytes);
        tracker.logArtifact("eval/queries.csv", eval);
        assertThrows(IllegalArgumentException.class, () -> tracker.logArtifact("../escape.csv", eval));
        assertThrows(IllegalArgumentException.class, () -> tracker.logArtifact("/etc/escape.csv", eval));
        assertThrows(IllegalArgumentException.class, () -> tracker.logArtifact("eval/../../escape.csv", eval));
        String modelName = "dml4j-test-" + tracker.clientRunId();
        tracker.logModel("model", model, new ModelRegistration(modelName, "champion"));
        TrackingOutcome outcome = tracker.finish();

        assertTrue(outcome.delivered(), outcome.message());
        assertFalse(Files.exists(outcome.spoolDirectory()), "a delivered spool is removed");
        RunInfo run = client.findRunByTag(client.experimentId("tracked-run-test"), MlflowKeys.CLIENT_RUN_ID_TAG,
                tracker.clientRunId()).orElseThrow();
        JsonNode stored = client.getRun(run.runId());
        assertEquals("FINISHED", stored.path("info").path("status").asText());
        Map<String, String> params = keyValues(stored.path("data").path("params"));
        Map<String, String> tags = keyValues(stored.path("data").path("tags"));

        assertEquals("0.2", params.get("trainer.margin"));
        assertEquals("synthetic-blobs", params.get("data.name"));
        assertEquals("600", params.get("data.train_size"));
        assertEquals(SecretRedactor.MASK, params.get("data.db_password"));
        assertEquals("jdbc://host/db", params.get("data.source"), "user-info is stripped from URIs");
        assertEquals(MlflowKeys.MAX_PARAM_VALUE_LENGTH, params.get("notes").length());
        assertTrue(params.get("notes").endsWith("...[truncated, 7000 chars in total]"), params.get("notes"));

        assertEquals("triplet-blobs", tags.get("mlflow.runName"));
        assertEquals(System.getProperty("user.name"), tags.get("mlflow.user"));
        assertEquals("dml4j-test", tags.get("mlflow.source.name"));
        assertEquals("LOCAL", tags.get("mlflow.source.type"));
        assertEquals("0123456789abcdef0123456789abcdef01234567", tags.get("mlflow.source.git.commit"));
        assertEquals("Triplet loss on blobs; db password ****", tags.get("mlflow.note.content"));
        assertTrue(tags.get("mlflow.log-model.history").contains("\"dml4j\""), tags.get("mlflow.log-model.history"));
        assertEquals(MlflowServer.versionUnderTest(), tags.get(MlflowKeys.SERVER_VERSION_TAG),
                "the run records the version of the server it was created on, the one under test");

        List<MetricPoint> batchLoss = client.metricHistory(run.runId(), "train/batch_loss");
        assertEquals(List.of(1L, 2L, 4L, 6L, 8L, 10L, 12L, 14L), batchLoss.stream().map(MetricPoint::step).toList());
        for (MetricPoint point : batchLoss) {
            assertEquals(SimulatedTraining.loss(point.step()), point.value(), 1e-12);
        }
        assertEquals(List.of(1L, 2L, 3L), steps(client, run, "train/loss"));
        assertEquals(List.of(1L, 2L, 3L), steps(client, run, "val/recall_at_1"));
        assertEquals(0.53, client.metricHistory(run.runId(), "val/recall_at_1").get(2).value(), 1e-12);
        assertEquals(List.of(0.61), client.metricHistory(run.runId(), "precision_at_1").stream()
                .map(MetricPoint::value).toList(), "the plain name holds the test value only, not the validation one");
        assertTrue(client.metricHistory(run.runId(), "map").isEmpty(), "a validation value under a plain name");
        assertTrue(Double.isNaN(client.metricHistory(run.runId(), "test/diverged").get(0).value()),
                "MLflow stores NaN as NaN");

        assertArrayEquals(evalBytes, client.downloadArtifact(run, "eval/queries.csv"));
        assertArrayEquals(modelBytes, client.downloadArtifact(run, "model/model.tribuo"));
        String mlModel = new String(client.downloadArtifact(run, "model/MLmodel"), StandardCharsets.UTF_8);
        assertTrue(mlModel.contains("dml4j:") && mlModel.contains(run.runId()), mlModel);
        String provenance = new String(client.downloadArtifact(run, "provenance/trainer.json"),
                StandardCharsets.UTF_8);
        assertTrue(provenance.contains("TripletMarginLoss") && provenance.contains("margin"), provenance);

        JsonNode version = client.modelVersionByAlias(modelName, "champion");
        assertEquals(run.runId(), version.path("run_id").asText());
        assertEquals(run.artifactUri() + "/model", version.path("source").asText());

        String everything = stored.toString() + provenance + mlModel;
        assertFalse(everything.contains(PASSWORD), "the password reached the server");
    }

    @Test
    void childRunsNestUnderTheirParent(MlflowServer server) {
        MlflowRestClient client = new MlflowRestClient(MlflowConnection.of(server.uri()));
        TrackerOptions options = TrackerOptions.forExperiment("sweep-test").withSpoolRoot(temp);
        MlflowTracker parent = new MlflowTracker(client, options.withRunName("sweep"));
        parent.onRunStart(new org.dml4j.train.RunStart("sweep", null, null, Map.of()));
        MlflowTracker child = parent.childRun(options.withRunName("trial-1"));
        child.onRunStart(SimulatedTraining.start("ignored", Map.of()));
        SimulatedTraining.epochs(child, 1, 1);
        assertTrue(child.finish().delivered());
        assertTrue(parent.finish().delivered());

        String experiment = client.experimentId("sweep-test");
        RunInfo parentRun = client.findRunByTag(experiment, MlflowKeys.CLIENT_RUN_ID_TAG, parent.clientRunId())
                .orElseThrow();
        RunInfo childRun = client.findRunByTag(experiment, MlflowKeys.CLIENT_RUN_ID_TAG, child.clientRunId())
                .orElseThrow();
        Map<String, String> childTags = keyValues(client.getRun(childRun.runId()).path("data").path("tags"));
        assertEquals(parentRun.runId(), childTags.get("mlflow.parentRunId"));
        assertEquals("trial-1", childTags.get("mlflow.runName"));
    }

    @Test
    void aDeletedExperimentIsRestored(MlflowServer server) {
        MlflowConnection connection = MlflowConnection.of(server.uri());
        MlflowRestClient client = new MlflowRestClient(connection);
        String id = client.experimentId("deleted-experiment-test");
        new MlflowHttp(connection).post("experiments/delete", Service.DeleteExperiment.newBuilder()
                .setExperimentId(id).build(), Service.DeleteExperiment.Response.getDefaultInstance(), true);

        MlflowTracker tracker = new MlflowTracker(client, TrackerOptions.forExperiment("deleted-experiment-test")
                .withSpoolRoot(temp));
        tracker.onRunStart(SimulatedTraining.start("after-delete", Map.of()));
        TrackingOutcome outcome = tracker.finish();

        assertTrue(outcome.delivered(), outcome.message());
        assertEquals(id, client.experimentId("deleted-experiment-test"));
        assertTrue(client.findRunByTag(id, MlflowKeys.CLIENT_RUN_ID_TAG, tracker.clientRunId()).isPresent());
    }

    static List<Long> steps(MlflowRestClient client, RunInfo run, String key) {
        return client.metricHistory(run.runId(), key).stream().map(MetricPoint::step).toList();
    }

    static Map<String, String> keyValues(JsonNode array) {
        Map<String, String> map = new HashMap<>();
        array.forEach(entry -> map.put(entry.path("key").asText(), entry.path("value").asText()));
        return map;
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
