package org.dml4j.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dml4j.index.HnswIndex;
import org.dml4j.index.HnswIndexSpec;
import org.dml4j.index.KnnResult;
import org.dml4j.model.EmbeddingModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Embedding models logged as MLflow 3 logged models on a real server, loaded back by MLflow's own Python client
 * ({@code mlflow.pyfunc.load_model}, onnxruntime) and served by {@code mlflow models serve}: the embeddings equal
 * Java's within 1e-5. The registered model carries its HNSW index inside the logged model.
 */
@ExtendWith(MlflowServerExtension.class)
class LoggedModelTest {

    private static final Path VENV = Path.of("..", ".venv", "bin").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EXPERIMENT = "logged-model-test";
    private static final Map<String, String> NETWORKS = Map.of("mlp", "mlp:32,16,8:batch-norm=true,dropout=0.2",
            "cnn", "cnn:4,8,6:image=1x8x8", "resnet", "resnet:4,8,6:image=1x8x8");

    @TempDir
    static Path temp;

    private static MlflowServer server;
    private static MlflowRestClient client;
    private static RunInfo run;
    private static String registeredName;
    private static float[][] rows;
    private static Path indexFile;
    private static EmbeddingModel indexed;
    private static final Map<String, INDArray> EXPECTED = new HashMap<>();

    /**
     * One tracked run: a checkpoint at epoch 1, then the three final models at epoch 2, the MLP registered and
     * logged with its HNSW index.
     */
    @BeforeAll
    static void logModels(MlflowServer shared) {
        server = shared;
        client = new MlflowRestClient(MlflowConnection.of(server.uri()));
        MutableDataset<Label> data = TrainedModels.data();
        MlflowTracker tracker = new MlflowTracker(client, TrackerOptions.forExperiment(EXPERIMENT)
                .withSpoolRoot(temp.resolve("spool")));
        tracker.onRunStart(SimulatedTraining.start("logged-models", Map.of()));
        registeredName = "dml4j-logged-" + tracker.clientRunId();
        Map<String, EmbeddingModel> models = new LinkedHashMap<>();
        NETWORKS.forEach((name, network) -> models.put(name, TrainedModels.train(network, data)));
        SimulatedTraining.epochs(tracker, 1, 1);
        tracker.logModel("checkpoint-epoch-1", models.get("mlp"), 1, null);
        SimulatedTraining.epochs(tracker, 2, 2);
        indexed = models.get("mlp");
        indexed.buildIndex(new HnswIndexSpec(8, 32, 16, 1));
        indexFile = temp.resolve("mlp.index");
        try {
            indexed.saveIndex(indexFile);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        models.forEach((name, model) -> {
            if (name.equals("mlp")) {
                tracker.logModel(name, model, 2, new ModelRegistration(registeredName, "champion"), indexFile);
            } else {
                tracker.logModel(name, model, 2, null);
            }
        });
        TrackingOutcome outcome = tracker.finish();
        assertTrue(outcome.delivered(), outcome.message());
        run = client.findRunByTag(client.experimentId(EXPERIMENT), MlflowKeys.CLIENT_RUN_ID_TAG,
                tracker.clientRunId()).orElseThrow();
        rows = models.get("mlp").onnxInput(data.getData());
        models.forEach((name, model) -> EXPECTED.put(name, model.embed(data)));
    }

    @Test
    void mlflowsPythonClientLoadsEveryModelAndTheRegisteredAlias() throws Exception {
        JsonNode out = python("""
                import json, sys, numpy as np, mlflow
                spec = json.load(open(sys.argv[1]))
                rows = np.array(spec["rows"], dtype=np.float32)
                out = {"models": {}}
                for m in mlflow.search_logged_models(experiment_ids=[spec["experiment_id"]],
                                                     filter_string="source_run_id = '%s'" % spec["run_id"],
                                                     output_format="list"):
                    info = mlflow.models.get_model_info(m.model_uri)
                    pred = mlflow.pyfunc.load_model(m.model_uri).predict(rows)
                    out["models"][m.name] = {"model_id": m.model_id, "status": str(m.status),
                                             "flavors": sorted(info.flavors), "signature": info.signature.to_dict(),
                                             "embedding": np.asarray(pred["embedding"]).tolist()}
                alias = mlflow.pyfunc.load_model("models:/%s@champion" % spec["registered"])
                out["alias"] = np.asarray(alias.predict(rows)["embedding"]).tolist()
                out["alias_model_id"] = alias.metadata.model_id
                json.dump(out, open(sys.argv[2], "w"))
                """);
        JsonNode models = out.path("models");
        assertEquals(4, models.size(), models.toString());
        for (String name : NETWORKS.keySet()) {
            JsonNode model = models.path(name);
            assertEquals("READY", model.path("status").asText(), name);
            assertEquals("[\"dml4j\",\"onnx\",\"python_function\"]", model.path("flavors").toString(), name);
            JsonNode input = JSON.readTree(model.path("signature").path("inputs").asText()).get(0);
            JsonNode output = JSON.readTree(model.path("signature").path("outputs").asText()).get(0);
            assertEquals("input float32 [-1,64]", input.path("name").asText() + " "
                    + input.path("tensor-spec").path("dtype").asText() + " " + input.path("tensor-spec").path("shape"));
            assertEquals("embedding float32 [-1," + EXPECTED.get(name).columns() + "]", output.path("name").asText()
                    + " " + output.path("tensor-spec").path("dtype").asText() + " "
                    + output.path("tensor-spec").path("shape"));
            assertClose(EXPECTED.get(name), model.path("embedding"), name + " through mlflow.pyfunc");
        }
        assertClose(EXPECTED.get("mlp"), out.path("alias"), "the registered alias");
        assertEquals(models.path("mlp").path("model_id").asText(), out.path("alias_model_id").asText());
    }

    /** Java's side of logged models alone, so also run against older servers (scripts/mlflow-compat.sh). */
    @Test
    @Tag("mlflow-compat")
    void theRunListsItsModelsAtTheirStepsAndACheckpointCarriesItsEpochMetrics() {
        JsonNode outputs = client.getRun(run.runId()).path("outputs").path("model_outputs");
        Map<String, Long> steps = new HashMap<>();
        Map<String, String> ids = new HashMap<>();
        LoggedModelClient models = new LoggedModelClient(client);
        for (JsonNode output : outputs) {
            JsonNode model = models.get(output.path("model_id").asText());
            steps.put(model.path("info").path("name").asText(), output.path("step").asLong());
            ids.put(model.path("info").path("name").asText(), output.path("model_id").asText());
            assertEquals(run.runId(), model.path("info").path("source_run_id").asText());
        }
        assertEquals(Map.of("checkpoint-epoch-1", 1L, "mlp", 2L, "cnn", 2L, "resnet", 2L), steps);
        List<String> metricKeys = new ArrayList<>();
        for (JsonNode metric : models.get(ids.get("checkpoint-epoch-1")).path("data").path("metrics")) {
            assertEquals(1, metric.path("step").asLong(), metric.toString());
            metricKeys.add(metric.path("key").asText());
        }
        assertTrue(metricKeys.contains("train/loss") && !metricKeys.contains("train/batch_loss"), metricKeys.toString());
        JsonNode version = client.modelVersionByAlias(registeredName, "champion");
        assertEquals("models:/" + ids.get("mlp"), version.path("source").asText());
    }

    @Test
    void theIndexIsPartOfTheLoggedModelAndIsUsedOnlyWithItsModel() throws Exception {
        JsonNode out = python("""
                import json, os, sys, mlflow
                spec = json.load(open(sys.argv[1]))
                root = os.path.join(os.path.dirname(sys.argv[2]), "downloaded")
                out = {}
                for name, uri in [("mlp", "models:/%s@champion" % spec["registered"]), ("cnn", None)]:
                    if uri is None:
                        uri = [m.model_uri for m in mlflow.search_logged_models(
                            experiment_ids=[spec["experiment_id"]], output_format="list",
                            filter_string="source_run_id = '%s'" % spec["run_id"]) if m.name == name][0]
                    out[name] = {"flavor": mlflow.models.get_model_info(uri).flavors["dml4j"],
                                 "dir": mlflow.artifacts.download_artifacts(artifact_uri=uri,
                                                                            dst_path=os.path.join(root, name))}
                json.dump(out, open(sys.argv[2], "w"))
                """);
        JsonNode flavor = out.path("mlp").path("flavor");
        assertEquals(ModelDirectory.INDEX_FILE, flavor.path(ModelDirectory.INDEX_KEY).asText(), flavor.toString());
        assertEquals(HexFormat.of().formatHex(indexed.digest()), flavor.path(ModelDirectory.DIGEST_KEY).asText());
        Path mlpDir = Path.of(out.path("mlp").path("dir").asText());
        assertArrayEquals(Files.readAllBytes(indexFile), Files.readAllBytes(mlpDir.resolve(ModelDirectory.INDEX_FILE)),
                "the registered version's download holds the index");

        EmbeddingModel loaded = EmbeddingModelDirectory.load(mlpDir);
        HnswIndex index = (HnswIndex) loaded.index().orElseThrow();
        INDArray queries = EXPECTED.get("mlp");
        KnnResult expected = indexed.index().orElseThrow().search(queries, 5);
        assertArrayEquals(expected.indices(), index.search(queries, 5).indices());

        Path cnnDir = Path.of(out.path("cnn").path("dir").asText());
        assertFalse(out.path("cnn").path("flavor").has(ModelDirectory.INDEX_KEY));
        assertTrue(EmbeddingModelDirectory.load(cnnDir).index().isEmpty());
        // the MLP's directory with the CNN's model in it: its index is refused, never used with another model
        Files.copy(cnnDir.resolve(ModelDirectory.TRIBUO_FILE), mlpDir.resolve(ModelDirectory.TRIBUO_FILE),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        IllegalArgumentException swapped = assertThrows(IllegalArgumentException.class,
                () -> EmbeddingModelDirectory.load(mlpDir));
        assertTrue(swapped.getMessage().contains("was built for another model"), swapped.getMessage());
    }

    @Test
    void mlflowModelsServeAnswersWithJavasEmbeddingsAndRejectsAMismatchedSignature() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ProcessBuilder builder = new ProcessBuilder(VENV.resolve("mlflow").toString(), "models", "serve", "-m",
                "models:/" + registeredName + "@champion", "--env-manager", "local", "-h", "127.0.0.1",
                "-p", String.valueOf(port), "-w", "1").redirectErrorStream(true)
                .redirectOutput(temp.resolve("serve.log").toFile());
        builder.environment().put("MLFLOW_TRACKING_URI", server.uri());
        // as in an activated venv: the scoring server is the venv's uvicorn
        builder.environment().put("PATH", VENV + java.io.File.pathSeparator + System.getenv("PATH"));
        Process serve = builder.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            waitForPing(http, port, serve);
            HttpResponse<String> answer = invoke(http, port, JSON.writeValueAsString(Map.of("inputs", rows)));
            assertEquals(200, answer.statusCode(), answer.body());
            assertClose(EXPECTED.get("mlp"), JSON.readTree(answer.body()).path("predictions").path("embedding"),
                    "mlflow models serve");
            HttpResponse<String> mismatch = invoke(http, port, "{\"inputs\": [[1.0, 2.0, 3.0]]}");
            assertEquals(400, mismatch.statusCode(), mismatch.body());
            assertTrue(mismatch.body().contains("Shape of input (1, 3) does not match expected shape (-1, 64)"),
                    mismatch.body());
        } finally {
            serve.descendants().forEach(ProcessHandle::destroy);
            serve.destroy();
            assertTrue(serve.waitFor(30, TimeUnit.SECONDS), "mlflow models serve stops on SIGTERM");
        }
    }

    private static void waitForPing(HttpClient http, int port, Process serve) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            assertTrue(serve.isAlive(), () -> "mlflow models serve exited: " + log());
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ping")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(500);
        }
        throw new AssertionError("mlflow models serve did not answer /ping in 3 minutes: " + log());
    }

    private static String log() {
        try {
            return Files.readString(temp.resolve("serve.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static HttpResponse<String> invoke(HttpClient http, int port, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/invocations"))
                .header("Content-Type", "application/json").timeout(Duration.ofMinutes(1))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertClose(INDArray expected, JsonNode actual, String what) {
        assertEquals(expected.rows(), actual.size(), what);
        double worst = 0;
        for (int i = 0; i < expected.rows(); i++) {
            assertEquals(expected.columns(), actual.get(i).size(), what);
            for (int k = 0; k < expected.columns(); k++) {
                worst = Math.max(worst, Math.abs(expected.getDouble(i, k) - actual.get(i).get(k).asDouble()));
            }
        }
        assertTrue(worst <= 1e-5, what + ": largest difference " + worst);
    }

    /** Runs a Python script in the project's venv with the run's facts as JSON; returns what it wrote. */
    private static JsonNode python(String script) throws Exception {
        Path input = temp.resolve("input.json");
        Path output = temp.resolve("output.json");
        Path file = Files.writeString(temp.resolve("check.py"), script);
        JSON.writeValue(input.toFile(), Map.of("rows", rows, "experiment_id", run.experimentId(), "run_id",
                run.runId(), "registered", registeredName));
        ProcessBuilder builder = new ProcessBuilder(VENV.resolve("python").toString(), file.toString(),
                input.toString(), output.toString()).redirectErrorStream(true);
        builder.environment().put("MLFLOW_TRACKING_URI", server.uri());
        // MLflow 3.17's telemetry thread unsets _MLFLOW_TELEMETRY_SESSION_ID while requests iterates os.environ
        // (a KeyError that fails an artifact download at random); the client's telemetry is not what is tested.
        builder.environment().put("MLFLOW_DISABLE_TELEMETRY", "true");
        Process process = builder.start();
        String log = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "python finishes");
        assertEquals(0, process.exitValue(), log);
        return JSON.readTree(output.toFile());
    }
}
