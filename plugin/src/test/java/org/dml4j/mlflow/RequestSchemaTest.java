package org.dml4j.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mlflow.api.proto.Service;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plugin's REST payloads against a real MLflow server through a {@link RecordingProxy}: a spool written by the
 * previous release of the plugin (before its requests were built as MLflow's messages; test resource
 * {@code spool-0.1.0}) is delivered by today's code and read back complete while the proxy adds unknown fields to
 * every object of every answer, and then every request the plugin sent is parsed strictly (no unknown field, no
 * wrong type) into the request message MLflow's own service definition declares for its method and path, with the
 * generated code of the server version under test.
 */
@Tag("mlflow-compat")
@ExtendWith(MlflowServerExtension.class)
class RequestSchemaTest {

    private static final String OLD_SPOOL = "spool-0.1.0";
    private static final String CLIENT_RUN_ID = "1796639798740-88e144d2";
    private static final String EXPERIMENT = "old-spool";

    /** Every endpoint the plugin calls, as MLflow's service definition names it. */
    private static final Set<String> ENDPOINTS = Set.of("GET /mlflow/experiments/get-by-name",
            "POST /mlflow/experiments/create", "POST /mlflow/experiments/restore",
            "POST /mlflow/experiments/set-experiment-tag", "POST /mlflow/runs/search", "POST /mlflow/runs/create",
            "POST /mlflow/runs/log-batch", "POST /mlflow/runs/log-inputs", "POST /mlflow/runs/log-model",
            "POST /mlflow/runs/outputs", "POST /mlflow/runs/update", "GET /mlflow/runs/get",
            "GET /mlflow/metrics/get-history", "POST /mlflow/logged-models", "POST /mlflow/logged-models/search",
            "PATCH /mlflow/logged-models/{model_id}", "GET /mlflow/logged-models/{model_id}",
            "POST /mlflow/registered-models/create", "GET /mlflow/model-versions/search",
            "POST /mlflow/model-versions/create", "POST /mlflow/registered-models/alias",
            "GET /mlflow/registered-models/alias");

    @TempDir
    Path temp;

    @Test
    void anOldSpoolIsDeliveredThroughAnswersWithUnknownFieldsAndEveryRequestIsMlflowsOwnMessage(
            MlflowServer server) throws Exception {
        // A deleted experiment without the training-view tag: delivery restores and tags it.
        MlflowHttp direct = new MlflowHttp(MlflowConnection.of(server.uri()));
        String experimentId = direct.post("experiments/create", Service.CreateExperiment.newBuilder()
                        .setName(EXPERIMENT).build(), Service.CreateExperiment.Response.getDefaultInstance(), false)
                .getExperimentId();
        direct.post("experiments/delete", Service.DeleteExperiment.newBuilder().setExperimentId(experimentId)
                .build(), Service.DeleteExperiment.Response.getDefaultInstance(), true);
        copyOldSpool(temp.resolve("spool"));

        try (RecordingProxy proxy = new RecordingProxy(server.uri(), (endpoint, answer) -> withUnknownFields(answer))) {
            MlflowRestClient client = new MlflowRestClient(MlflowConnection.of(proxy.uri()));
            SyncReport report = new SpoolReplayer(client, temp.resolve("spool")).syncAll();
            assertEquals(1, report.runsCompleted(), report.messages().toString());

            assertEquals(experimentId, client.experimentId(EXPERIMENT), "the deleted experiment was restored");
            RunInfo info = client.findRunByTag(experimentId, MlflowKeys.CLIENT_RUN_ID_TAG, CLIENT_RUN_ID)
                    .orElseThrow();
            RunRecord run = new RunReader(client).read(info.runId());
            assertEquals("old-spool-run", run.name());
            assertEquals("kept", run.params().get("old.param"));
            assertEquals("0.2", run.params().get("trainer.margin"));
            assertEquals(0.502, run.metrics().get("train/loss"), 1e-12);
            assertEquals(List.of(1L, 2L), client.metricHistory(info.runId(), "train/loss").stream()
                    .map(MetricPoint::step).toList());
            assertEquals("written by the old code", new String(new RunReader(client).artifact(run, "notes/old.txt"),
                    StandardCharsets.UTF_8));
            JsonNode stored = client.getRun(info.runId());
            assertEquals("FINISHED", stored.at("/info/status").asText());
            assertEquals("train", TrackedRunTest.keyValues(stored.at("/inputs/dataset_inputs/0/tags"))
                    .get(MlflowKeys.DATASET_CONTEXT_TAG), stored.toString());
            assertEquals("blobs.csv", stored.at("/inputs/dataset_inputs/0/dataset/name").asText());

            String modelId = stored.at("/outputs/model_outputs/0/model_id").asText();
            assertEquals(2, stored.at("/outputs/model_outputs/0/step").asLong(), stored.toString());
            LoggedModelClient models = new LoggedModelClient(client);
            assertEquals("LOGGED_MODEL_READY", models.get(modelId).at("/info/status").asText());
            assertTrue(new String(models.downloadArtifact(modelId, "MLmodel"), StandardCharsets.UTF_8)
                    .contains("dml4j:"));
            JsonNode champion = client.modelVersionByAlias("old-spool-model", "champion");
            assertEquals("models:/" + modelId, champion.path("source").asText(), champion.toString());
            assertEquals("a legacy model file", new String(client.downloadArtifact(info, "legacy-model/legacy.bin"),
                    StandardCharsets.UTF_8));
            assertTrue(client.findModelVersion("old-spool-legacy", info.runId(),
                    info.artifactUri() + "/legacy-model").isPresent(), "the legacy model directory is registered");

            String created = client.experimentId("request-schema-created");
            assertTrue(direct.get("experiments/get", Service.GetExperiment.newBuilder().setExperimentId(created)
                    .build(), Service.GetExperiment.Response.getDefaultInstance()).getExperiment().getTagsList()
                    .stream().anyMatch(tag -> tag.getKey().equals(MlflowKeys.EXPERIMENT_KIND_TAG)));

            Path calls = Files.writeString(temp.resolve("calls.json"), proxy.callsJson());
            Path checked = temp.resolve("checked.json");
            MlflowSchema.of(temp, false).run("requests", calls.toString(), checked.toString());
            JsonNode result = MlflowHttp.JSON.readTree(checked.toFile());
            assertEquals("[]", result.path("problems").toString(), "requests MLflow "
                    + MlflowServer.versionUnderTest() + " does not parse as its own messages");
            Set<String> called = new TreeSet<>();
            result.path("calls").fieldNames().forEachRemaining(called::add);
            assertEquals(new TreeSet<>(ENDPOINTS), called, "the endpoints checked");
        }
    }

    @Test
    void anAnswerWithAValueOfTheWrongTypeIsAnErrorNamingTheEndpoint(MlflowServer server) {
        MlflowRestClient direct = new MlflowRestClient(MlflowConnection.of(server.uri()));
        RunInfo run = direct.createRun(direct.experimentId("request-schema-types"), "wrong-type", 1L, Map.of());
        try (RecordingProxy proxy = new RecordingProxy(server.uri(), (endpoint, answer) -> {
            if (endpoint.equals("runs/get")) {
                ((ObjectNode) answer.path("run").path("info")).put("start_time", "yesterday");
            }
            return answer;
        })) {
            MlflowRestClient client = new MlflowRestClient(MlflowConnection.of(proxy.uri()));
            MlflowException e = assertThrows(MlflowException.class, () -> client.runInfo(run.runId()));
            assertEquals(FailureKind.REJECTED, e.kind());
            assertTrue(e.getMessage().contains("answered GET runs/get (HTTP 200) with JSON that does not follow"
                    + " MLflow's mlflow.GetRun.Response message") && e.getMessage().contains("yesterday"),
                    e.getMessage());
        }
    }

    /** Adds a field no MLflow version has to every object of an answer. */
    private static JsonNode withUnknownFields(JsonNode answer) {
        if (answer instanceof ObjectNode object) {
            List.copyOf(object.properties()).forEach(field -> withUnknownFields(field.getValue()));
            object.putObject("dml4j_future_field").put("since", "MLflow 99").putArray("values").add(1).add("x");
        } else if (answer.isArray()) {
            answer.forEach(RequestSchemaTest::withUnknownFields);
        }
        return answer;
    }

    private static void copyOldSpool(Path root) throws Exception {
        Path source;
        try {
            source = Path.of(RequestSchemaTest.class.getResource(OLD_SPOOL).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Path copy = root.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
