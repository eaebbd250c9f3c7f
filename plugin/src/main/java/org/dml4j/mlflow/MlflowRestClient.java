package org.dml4j.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The MLflow REST API calls DML4J needs, over plain HTTP (no Python): experiments, runs, batched logging, the artifact
 * proxy, logged models and the Model Registry. Thread-safe. Each method throws {@link MlflowException} on failure.
 */
public final class MlflowRestClient {

    private static final System.Logger LOG = System.getLogger(MlflowRestClient.class.getName());

    private final MlflowHttp http;

    /**
     * Creates a client.
     *
     * @param connection the server and its settings
     */
    public MlflowRestClient(MlflowConnection connection) {
        this.http = new MlflowHttp(connection);
    }

    /**
     * The server this client talks to.
     *
     * @return the connection
     */
    public MlflowConnection connection() {
        return http.connection();
    }

    /** @return the transport, for the other REST clients of this package ({@link LoggedModelClient}) */
    MlflowHttp http() {
        return http;
    }

    /**
     * Whether the server answers {@code GET /health}.
     *
     * @return true when it is up
     */
    public boolean healthy() {
        return http.healthy();
    }

    /**
     * The server's MLflow version ({@code GET /version}).
     *
     * @return e.g. {@code 3.17.2}; empty when the server does not say
     */
    public Optional<String> serverVersion() {
        return http.version();
    }

    /**
     * The id of the experiment with this name: an active one is reused, a deleted one restored (and said so in the
     * log), a missing one created. An experiment created here, and one found without a kind, is tagged as model
     * training ({@link MlflowKeys#EXPERIMENT_KIND_TAG}), so that the MLflow 3 UI opens it in its training view.
     *
     * @param name the experiment name
     * @return the experiment id
     */
    public String experimentId(String name) {
        Optional<JsonNode> existing = experimentByName(name);
        if (existing.isEmpty()) {
            try {
                ObjectNode body = MlflowHttp.JSON.createObjectNode().put("name", name);
                body.set("tags", keyValues(Map.of(MlflowKeys.EXPERIMENT_KIND_TAG, MlflowKeys.MODEL_TRAINING_KIND)));
                return http.post("experiments/create", body, false).path("experiment_id").asText();
            } catch (MlflowException e) {
                if (!"RESOURCE_ALREADY_EXISTS".equals(e.errorCode())) {
                    throw e;
                }
                existing = experimentByName(name); // created concurrently, or deleted and not yet visible
            }
        }
        JsonNode experiment = existing.orElseThrow(() -> new MlflowException(FailureKind.REJECTED, 0, "",
                "MLflow experiment '" + name + "' neither exists nor can be created", null));
        String id = experiment.path("experiment_id").asText();
        if ("deleted".equals(experiment.path("lifecycle_stage").asText())) {
            http.post("experiments/restore", Map.of("experiment_id", id), true);
            LOG.log(Level.INFO, "Restored the deleted MLflow experiment ''{0}'' (id {1}) to log into it", name, id);
        }
        if (!hasTag(experiment, MlflowKeys.EXPERIMENT_KIND_TAG)) {
            http.post("experiments/set-experiment-tag", Map.of("experiment_id", id,
                    "key", MlflowKeys.EXPERIMENT_KIND_TAG, "value", MlflowKeys.MODEL_TRAINING_KIND), true);
        }
        return id;
    }

    private static boolean hasTag(JsonNode experiment, String key) {
        for (JsonNode tag : experiment.path("tags")) {
            if (key.equals(tag.path("key").asText())) {
                return true;
            }
        }
        return false;
    }

    private Optional<JsonNode> experimentByName(String name) {
        try {
            return Optional.of(http.get("experiments/get-by-name", Map.of("experiment_name", name))
                    .path("experiment"));
        } catch (MlflowException e) {
            if ("RESOURCE_DOES_NOT_EXIST".equals(e.errorCode())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Creates a run. Never retried here: a retry after a lost response would duplicate the run, so callers tag the
     * run with an id of their own and {@link #findRunByTag search} before creating it again.
     *
     * @param experimentId the experiment
     * @param runName      the run name (also sent as the {@code mlflow.runName} tag, which must agree)
     * @param startTime    milliseconds since the epoch
     * @param tags         the run's tags
     * @return the new run
     */
    public RunInfo createRun(String experimentId, String runName, long startTime, Map<String, String> tags) {
        ObjectNode body = MlflowHttp.JSON.createObjectNode().put("experiment_id", experimentId)
                .put("run_name", runName).put("start_time", startTime);
        Map<String, String> allTags = new LinkedHashMap<>(tags);
        allTags.put(MlflowKeys.RUN_NAME_TAG, runName);
        if (allTags.containsKey(MlflowKeys.USER_TAG)) {
            body.put("user_id", allTags.get(MlflowKeys.USER_TAG));
        }
        body.set("tags", keyValues(allTags));
        return runInfo(http.post("runs/create", body, false).path("run").path("info"));
    }

    /**
     * Finds the active run of an experiment that carries a tag value.
     *
     * @param experimentId the experiment
     * @param tagKey       the tag key
     * @param tagValue     the value (letters, digits and dashes)
     * @return the run, empty when none carries it
     */
    public Optional<RunInfo> findRunByTag(String experimentId, String tagKey, String tagValue) {
        ObjectNode body = MlflowHttp.JSON.createObjectNode()
                .put("filter", "tags.`" + tagKey + "` = '" + tagValue.replace("'", "") + "'").put("max_results", 1);
        body.putArray("experiment_ids").add(experimentId);
        JsonNode runs = http.post("runs/search", body, true).path("runs");
        return runs.isEmpty() ? Optional.empty() : Optional.of(runInfo(runs.get(0).path("info")));
    }

    /**
     * Logs metrics, params and tags in one {@code runs/log-batch} call; the caller keeps within MLflow's limits
     * ({@link LogBatchLimits}).
     *
     * @param runId   the run
     * @param metrics the metric values
     * @param params  the params
     * @param tags    the tags
     */
    public void logBatch(String runId, List<MetricPoint> metrics, Map<String, String> params,
                         Map<String, String> tags) {
        ObjectNode body = MlflowHttp.JSON.createObjectNode().put("run_id", runId);
        ArrayNode metricArray = body.putArray("metrics");
        for (MetricPoint metric : metrics) {
            metricArray.addObject().put("key", metric.key()).put("value", metric.value())
                    .put("timestamp", metric.timestamp()).put("step", metric.step());
        }
        body.set("params", keyValues(params));
        body.set("tags", keyValues(tags));
        http.post("runs/log-batch", body, true);
    }

    /**
     * Logs datasets as the run's inputs ({@code runs/log-inputs}), each tagged with its context; the server keeps
     * one dataset per name and digest in an experiment, so repeating the call changes nothing.
     *
     * @param runId  the run
     * @param inputs the datasets
     */
    public void logInputs(String runId, List<DatasetInput> inputs) {
        ObjectNode body = MlflowHttp.JSON.createObjectNode().put("run_id", runId);
        ArrayNode datasets = body.putArray("datasets");
        for (DatasetInput input : inputs) {
            ObjectNode entry = datasets.addObject();
            ObjectNode dataset = entry.putObject("dataset").put("name", input.name()).put("digest", input.digest())
                    .put("source_type", input.sourceType()).put("source", input.source());
            if (input.schema() != null) {
                dataset.put("schema", input.schema());
            }
            if (input.profile() != null) {
                dataset.put("profile", input.profile());
            }
            entry.set("tags", keyValues(Map.of(MlflowKeys.DATASET_CONTEXT_TAG, input.context())));
        }
        // MLflow's store looks the dataset up, then inserts it: two runs logging the same new dataset at once (the
        // trials of a parallel sweep) race, and the loser gets HTTP 400 with the database's unique-constraint error.
        // The dataset then exists, so the same call again links it.
        for (int attempt = 1; ; attempt++) {
            try {
                http.post("runs/log-inputs", body, true);
                return;
            } catch (MlflowException e) {
                if (attempt >= DATASET_RACE_ATTEMPTS || !isDatasetInsertRace(e)) {
                    throw e;
                }
                LOG.log(System.Logger.Level.DEBUG, "runs/log-inputs lost a dataset insert race; trying again");
                sleepQuietly(50L * attempt);
            }
        }
    }

    /** How often {@link #logInputs} tries when concurrent runs race to insert the same dataset. */
    private static final int DATASET_RACE_ATTEMPTS = 4;

    private static boolean isDatasetInsertRace(MlflowException e) {
        String message = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        return e.status() == 400 && message.contains("datasets") && (message.contains("unique constraint")
                || message.contains("duplicate key") || message.contains("duplicate entry"));
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Sets a run's status and end time.
     *
     * @param runId   the run
     * @param status  {@code FINISHED}, {@code FAILED} or {@code KILLED}
     * @param endTime milliseconds since the epoch
     */
    public void updateRun(String runId, String status, long endTime) {
        http.post("runs/update", Map.of("run_id", runId, "status", status, "end_time", endTime), true);
    }

    /**
     * Records a logged model ({@code runs/log-model}) so the UI lists it.
     *
     * @param runId     the run
     * @param modelJson the MLmodel content as JSON
     */
    public void logModel(String runId, String modelJson) {
        http.post("runs/log-model", Map.of("run_id", runId, "model_json", modelJson), true);
    }

    /**
     * Uploads a file as a run artifact through the server's artifact proxy.
     *
     * @param run          the run
     * @param artifactPath the path below the run's artifact root (validated by {@link ArtifactPaths#normalize})
     * @param file         the file
     */
    public void uploadArtifact(RunInfo run, String artifactPath, Path file) {
        http.putArtifact(run.proxyPath(ArtifactPaths.normalize(artifactPath)), file);
    }

    /**
     * Downloads a run artifact through the server's artifact proxy.
     *
     * @param run          the run
     * @param artifactPath the path below the run's artifact root
     * @return the bytes
     */
    public byte[] downloadArtifact(RunInfo run, String artifactPath) {
        return http.getArtifact(run.proxyPath(ArtifactPaths.normalize(artifactPath)));
    }

    /**
     * A run as the server reports it ({@code runs/get}): {@code info}, {@code data.params}, {@code data.tags},
     * {@code data.metrics} (latest values).
     *
     * @param runId the run
     * @return the {@code run} object
     */
    public JsonNode getRun(String runId) {
        return http.get("runs/get", Map.of("run_id", runId)).path("run");
    }

    /**
     * A run's identity.
     *
     * @param runId the run
     * @return its experiment and artifact root
     */
    public RunInfo runInfo(String runId) {
        return runInfo(getRun(runId).path("info"));
    }

    /**
     * Every value of a metric, in the server's order, following pages.
     *
     * @param runId the run
     * @param key   the metric key
     * @return the history
     */
    public List<MetricPoint> metricHistory(String runId, String key) {
        List<MetricPoint> points = new ArrayList<>();
        String pageToken = "";
        do {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("run_id", runId);
            query.put("metric_key", key);
            query.put("max_results", "25000");
            if (!pageToken.isEmpty()) {
                query.put("page_token", pageToken);
            }
            JsonNode page = http.get("metrics/get-history", query);
            for (JsonNode metric : page.path("metrics")) {
                points.add(new MetricPoint(metric.path("key").asText(), metric.path("value").asDouble(),
                        metric.path("timestamp").asLong(), metric.path("step").asLong()));
            }
            pageToken = page.path("next_page_token").asText("");
        } while (!pageToken.isEmpty());
        return points;
    }

    /**
     * Creates a registered model unless one with this name exists.
     *
     * @param name the registered model name
     */
    public void ensureRegisteredModel(String name) {
        try {
            http.post("registered-models/create", Map.of("name", name), true);
        } catch (MlflowException e) {
            if (!"RESOURCE_ALREADY_EXISTS".equals(e.errorCode())) {
                throw e;
            }
        }
    }

    /**
     * The version of a registered model created from a run and source, if there is one.
     *
     * @param name   the registered model name
     * @param runId  the run
     * @param source the model's artifact URI
     * @return the version number
     */
    public Optional<String> findModelVersion(String name, String runId, String source) {
        JsonNode versions = http.get("model-versions/search", Map.of("filter",
                "name = '" + name.replace("'", "") + "' and run_id = '" + runId + "'")).path("model_versions");
        for (JsonNode version : versions) {
            if (source.equals(version.path("source").asText())) {
                return Optional.of(version.path("version").asText());
            }
        }
        return Optional.empty();
    }

    /**
     * Creates a model version from a run's model directory; not retried (see {@link #findModelVersion}).
     *
     * @param name   the registered model name
     * @param source the model directory's artifact URI
     * @param runId  the run that logged it
     * @return the new version number
     */
    public String createModelVersion(String name, String source, String runId) {
        return http.post("model-versions/create", Map.of("name", name, "source", source, "run_id", runId), false)
                .path("model_version").path("version").asText();
    }

    /**
     * Points an alias of a registered model at a version.
     *
     * @param name    the registered model name
     * @param alias   the alias (e.g. {@code champion})
     * @param version the version number
     */
    public void setAlias(String name, String alias, String version) {
        http.post("registered-models/alias", Map.of("name", name, "alias", alias, "version", version), true);
    }

    /**
     * The model version an alias points at.
     *
     * @param name  the registered model name
     * @param alias the alias
     * @return the {@code model_version} object ({@code version}, {@code source}, {@code run_id}, ...)
     */
    public JsonNode modelVersionByAlias(String name, String alias) {
        return http.get("registered-models/alias", Map.of("name", name, "alias", alias)).path("model_version");
    }

    /** A run's identity from its {@code info} object. */
    static RunInfo runInfo(JsonNode info) {
        return new RunInfo(info.path("run_id").asText(), info.path("experiment_id").asText(),
                info.path("artifact_uri").asText());
    }

    private static ArrayNode keyValues(Map<String, String> entries) {
        ArrayNode array = MlflowHttp.JSON.createArrayNode();
        entries.forEach((key, value) -> array.addObject().put("key", key).put("value", value));
        return array;
    }
}
