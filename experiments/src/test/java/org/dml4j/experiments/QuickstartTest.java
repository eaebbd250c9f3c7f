package org.dml4j.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dml4j.mlflow.LocalMlflowServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The quickstart as a new user runs it: it starts a real local MLflow server (installing MLflow into the project's
 * .venv if needed), trains on Fashion-MNIST, and the run it prints can be read back through MLflow's REST API.
 */
class QuickstartTest {

    @TempDir
    static Path mlflowDir;

    @AfterAll
    static void stopServer() {
        LocalMlflowServer.runningDetached(mlflowDir).ifPresent(ProcessHandle::destroy);
    }

    @Test
    void quickstartGivesATrackedRunInTheMlflowUi() throws IOException, InterruptedException {
        System.setProperty("dml4j.home", Path.of("..").toAbsolutePath().normalize().toString());
        CliRun run = CliRun.of("quickstart", "--epochs", "1", "--train-limit", "3000", "--mlflow-dir",
                mlflowDir.toString(), "--port", "0");
        assertEquals(0, run.exitCode(), run.all());
        assertTrue(run.lines().stream().anyMatch(l -> l.startsWith("map_at_r")), run.all());
        Matcher url = Pattern.compile("MLflow run: (http://127\\.0\\.0\\.1:\\d+)/#/experiments/(\\d+)/runs/(\\w+)")
                .matcher(run.err());
        assertTrue(url.find(), run.err());
        JsonNode runJson = get(url.group(1) + "/api/2.0/mlflow/runs/get?run_id=" + url.group(3)).get("run");
        assertEquals("FINISHED", runJson.at("/info/status").asText());
        Set<String> metrics = new HashSet<>();
        runJson.at("/data/metrics").forEach(m -> metrics.add(m.get("key").asText()));
        assertTrue(metrics.containsAll(Set.of("map_at_r", "precision_at_1", "train/loss", "train/batch_loss")),
                metrics.toString());
        Set<String> params = new HashSet<>();
        runJson.at("/data/params").forEach(p -> params.add(p.get("key").asText()));
        assertTrue(params.contains("trainer.loss.class-name") && params.contains("trainer.learningRate"),
                params.toString());
        // the model is an MLflow 3 logged model among the run's outputs, which search_logged_models finds
        JsonNode output = runJson.at("/outputs/model_outputs/0");
        String experiment = url.group(2);
        JsonNode found = post(url.group(1) + "/api/2.0/mlflow/logged-models/search", "{\"experiment_ids\": [\""
                + experiment + "\"], \"filter\": \"source_run_id = '" + url.group(3) + "'\"}").path("models");
        assertEquals(1, found.size(), found.toString());
        assertEquals(output.path("model_id").asText(), found.at("/0/info/model_id").asText());
        assertEquals("LOGGED_MODEL_READY", found.at("/0/info/status").asText());
        String mlModel = text(url.group(1) + "/api/2.0/mlflow-artifacts/artifacts/" + experiment + "/models/"
                + output.path("model_id").asText() + "/artifacts/MLmodel");
        assertTrue(mlModel.contains("\n  onnx:\n") && mlModel.contains("\n  python_function:\n")
                && mlModel.contains("loader_module: \"mlflow.onnx\""), mlModel);
    }

    private static JsonNode post(String url, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return new ObjectMapper().readTree(response.body());
    }

    private static String text(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    private static JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return new ObjectMapper().readTree(response.body());
    }
}
