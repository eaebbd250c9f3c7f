package org.dml4j.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dml4j.mlflow.LocalMlflowServer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A real MLflow server for the command tests (the plugin's launcher), and MLflow's REST API to read runs back. */
final class MlflowTestServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final LocalMlflowServer server;
    private final String authorization;

    private MlflowTestServer(LocalMlflowServer server, String authorization) {
        this.server = server;
        this.authorization = authorization;
    }

    static MlflowTestServer start() throws IOException {
        return start(Files.createTempDirectory("dml4j-mlflow-cli"), null, null);
    }

    /**
     * A server with MLflow's basic-auth app, whose admin is this user; the REST reads here authenticate as it.
     *
     * @param user     the admin's name
     * @param password the admin's password
     * @return the running server
     */
    static MlflowTestServer startWithBasicAuth(String user, String password) throws IOException {
        Path directory = Files.createTempDirectory("dml4j-mlflow-cli");
        Files.writeString(directory.resolve("auth.ini"), String.join("\n", "[mlflow]", "default_permission = READ",
                "database_uri = sqlite:///" + directory.resolve("basic_auth.db"), "admin_username = " + user,
                "admin_password = " + password,
                "authorization_function = mlflow.server.auth:authenticate_request_basic_auth", ""));
        return start(directory, "basic-auth", "Basic " + java.util.Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static MlflowTestServer start(Path directory, String app, String authorization) {
        LocalMlflowServer server = new LocalMlflowServer(Path.of("..", "scripts", "mlflow-server.sh"), directory,
                LocalMlflowServer.freePort(0), app, Map.of("MLFLOW_FLASK_SERVER_SECRET_KEY", "dml4j-test-secret-key"));
        server.start(false);
        return new MlflowTestServer(server, authorization);
    }

    /** @return the folder with the server's database and artifacts */
    Path directory() {
        return server.directory();
    }

    String uri() {
        return server.uri();
    }

    /** Every run of an experiment. */
    List<JsonNode> runs(String experiment) throws IOException, InterruptedException {
        String id = get("experiments/get-by-name?experiment_name=" + experiment).at("/experiment/experiment_id")
                .asText();
        JsonNode found = post("runs/search", "{\"experiment_ids\": [\"" + id + "\"], \"max_results\": 1000}");
        List<JsonNode> runs = new ArrayList<>();
        found.path("runs").forEach(runs::add);
        return runs;
    }

    /** A run's values of a metric, by step. */
    List<Double> history(String runId, String metric) throws IOException, InterruptedException {
        List<JsonNode> points = new ArrayList<>();
        get("metrics/get-history?run_id=" + runId + "&metric_key=" + metric).path("metrics").forEach(points::add);
        points.sort(java.util.Comparator.comparingLong(p -> p.get("step").asLong()));
        return points.stream().map(p -> p.get("value").asDouble()).toList();
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        return send(request(path).GET().build());
    }

    JsonNode post(String path, String body) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /**
     * A file of an MLflow 3 logged model, through the server's artifact proxy.
     *
     * @param modelId the logged model
     * @param file    the file's path in the model's directory, e.g. {@code MLmodel}
     */
    byte[] loggedModelFile(String modelId, String file) throws IOException, InterruptedException {
        String root = get("logged-models/" + modelId).at("/model/info/artifact_uri").asText()
                .replaceFirst("^mlflow-artifacts:/+", "");
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(uri()
                + "/api/2.0/mlflow-artifacts/artifacts/" + root + "/" + file));
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        HttpResponse<byte[]> response = HttpClient.newHttpClient().send(builder.GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException(response.statusCode() + " for " + file + " of logged model " + modelId);
        }
        return response.body();
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(uri() + "/api/2.0/mlflow/" + path));
        return authorization == null ? builder : builder.header("Authorization", authorization);
    }

    private static JsonNode send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    static Map<String, String> tags(JsonNode run) {
        return keyValues(run.at("/data/tags"));
    }

    static Map<String, String> params(JsonNode run) {
        return keyValues(run.at("/data/params"));
    }

    static Map<String, Double> metrics(JsonNode run) {
        Map<String, Double> out = new HashMap<>();
        run.at("/data/metrics").forEach(m -> out.put(m.get("key").asText(), m.get("value").asDouble()));
        return out;
    }

    private static Map<String, String> keyValues(JsonNode array) {
        Map<String, String> out = new HashMap<>();
        array.forEach(kv -> out.put(kv.get("key").asText(), kv.get("value").asText()));
        return out;
    }

    @Override
    public void close() {
        server.stop();
    }
}
