package org.dml4j.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import org.dml4j.mlflow.protos.MlflowApi;
import org.mlflow.api.proto.ModelRegistry;
import org.mlflow.api.proto.Service;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The MLflow REST API calls DML4J needs, over plain HTTP (no Python): experiments, runs, batched logging, the artifact
 * proxy, logged models and the Model Registry. Every request is built, and every answer read, as one of MLflow's own
 * messages, through {@link MlflowJson}: the official Java client's ({@link Service}, {@link ModelRegistry}), and the
 * plugin's ({@link MlflowApi}) only for what MLflow 3 added that they lack. Thread-safe. Each method throws
 * {@link MlflowException} on failure.
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
        Optional<Service.Experiment> existing = experimentByName(name);
        if (existing.isEmpty()) {
            try {
                Service.CreateExperiment request = Service.CreateExperiment.newBuilder().setName(name)
                        .addTags(Service.ExperimentTag.newBuilder().setKey(MlflowKeys.EXPERIMENT_KIND_TAG)
                                .setValue(MlflowKeys.MODEL_TRAINING_KIND))
                        .build();
                return required(http.post("experiments/create", request,
                        Service.CreateExperiment.Response.getDefaultInstance(), false).getExperimentId(),
                        "experiments/create", "experiment_id");
            } catch (MlflowException e) {
                if (!"RESOURCE_ALREADY_EXISTS".equals(e.errorCode())) {
                    throw e;
                }
                existing = experimentByName(name); // created concurrently, or deleted and not yet visible
            }
        }
        Service.Experiment experiment = existing.orElseThrow(() -> new MlflowException(FailureKind.REJECTED, 0,
                "", "MLflow experiment '" + name + "' neither exists nor can be created", null));
        String id = required(experiment.getExperimentId(), "experiments/get-by-name", "experiment.experiment_id");
        if ("deleted".equals(experiment.getLifecycleStage())) {
            http.post("experiments/restore", Service.RestoreExperiment.newBuilder().setExperimentId(id).build(),
                    Service.RestoreExperiment.Response.getDefaultInstance(), true);
            LOG.log(Level.INFO, "Restored the deleted MLflow experiment ''{0}'' (id {1}) to log into it", name, id);
        }
        if (experiment.getTagsList().stream().noneMatch(tag -> MlflowKeys.EXPERIMENT_KIND_TAG.equals(tag.getKey()))) {
            http.post("experiments/set-experiment-tag", Service.SetExperimentTag.newBuilder().setExperimentId(id)
                            .setKey(MlflowKeys.EXPERIMENT_KIND_TAG).setValue(MlflowKeys.MODEL_TRAINING_KIND).build(),
                    Service.SetExperimentTag.Response.getDefaultInstance(), true);
        }
        return id;
    }

    private Optional<Service.Experiment> experimentByName(String name) {
        try {
            return Optional.of(http.get("experiments/get-by-name",
                    Service.GetExperimentByName.newBuilder().setExperimentName(name).build(),
                    Service.GetExperimentByName.Response.getDefaultInstance()).getExperiment());
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
        Service.CreateRun.Builder request = Service.CreateRun.newBuilder().setExperimentId(experimentId)
                .setRunName(runName).setStartTime(startTime);
        Map<String, String> allTags = new LinkedHashMap<>(tags);
        allTags.put(MlflowKeys.RUN_NAME_TAG, runName);
        if (allTags.containsKey(MlflowKeys.USER_TAG)) {
            request.setUserId(allTags.get(MlflowKeys.USER_TAG));
        }
        allTags.forEach((key, value) -> request.addTags(runTag(key, value)));
        return runInfo(http.post("runs/create", request.build(), Service.CreateRun.Response.getDefaultInstance(),
                false).getRun().getInfo(), "runs/create");
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
        Service.SearchRuns request = Service.SearchRuns.newBuilder().addExperimentIds(experimentId)
                .setFilter("tags.`" + tagKey + "` = '" + tagValue.replace("'", "") + "'").setMaxResults(1).build();
        List<Service.Run> runs = http.post("runs/search", request,
                Service.SearchRuns.Response.getDefaultInstance(), true).getRunsList();
        return runs.isEmpty() ? Optional.empty() : Optional.of(runInfo(runs.get(0).getInfo(), "runs/search"));
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
        Service.LogBatch.Builder request = Service.LogBatch.newBuilder().setRunId(runId);
        metrics.forEach(point -> request.addMetrics(Service.Metric.newBuilder().setKey(point.key())
                .setValue(point.value()).setTimestamp(point.timestamp()).setStep(point.step())));
        params.forEach((key, value) -> request.addParams(Service.Param.newBuilder().setKey(key).setValue(value)));
        tags.forEach((key, value) -> request.addTags(runTag(key, value)));
        http.post("runs/log-batch", request.build(), Service.LogBatch.Response.getDefaultInstance(), true);
    }

    /**
     * Logs datasets as the run's inputs ({@code runs/log-inputs}), each tagged with its context; the server keeps
     * one dataset per name and digest in an experiment, so repeating the call changes nothing.
     *
     * @param runId  the run
     * @param inputs the datasets
     */
    public void logInputs(String runId, List<DatasetInput> inputs) {
        Service.LogInputs.Builder body = Service.LogInputs.newBuilder().setRunId(runId);
        for (DatasetInput input : inputs) {
            Service.Dataset.Builder dataset = Service.Dataset.newBuilder().setName(input.name())
                    .setDigest(input.digest()).setSourceType(input.sourceType()).setSource(input.source());
            if (input.schema() != null) {
                dataset.setSchema(input.schema());
            }
            if (input.profile() != null) {
                dataset.setProfile(input.profile());
            }
            body.addDatasets(Service.DatasetInput.newBuilder().setDataset(dataset).addTags(Service.InputTag
                    .newBuilder().setKey(MlflowKeys.DATASET_CONTEXT_TAG).setValue(input.context())));
        }
        Service.LogInputs request = body.build();
        // MLflow's store looks the dataset up, then inserts it: two runs logging the same new dataset at once (the
        // trials of a parallel sweep) race, and the loser gets HTTP 400 with the database's unique-constraint error.
        // The dataset then exists, so the same call again links it.
        for (int attempt = 1; ; attempt++) {
            try {
                http.post("runs/log-inputs", request, Service.LogInputs.Response.getDefaultInstance(), true);
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
     * @throws IllegalArgumentException when the status is none of MLflow's run statuses
     */
    public void updateRun(String runId, String status, long endTime) {
        Service.RunStatus runStatus;
        try {
            runStatus = Service.RunStatus.valueOf(status);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + status + "' is not an MLflow run status; use FINISHED, FAILED"
                    + " or KILLED", e);
        }
        http.post("runs/update", Service.UpdateRun.newBuilder().setRunId(runId).setStatus(runStatus)
                .setEndTime(endTime).build(), Service.UpdateRun.Response.getDefaultInstance(), true);
    }

    /**
     * Records a logged model ({@code runs/log-model}) so the UI lists it.
     *
     * @param runId     the run
     * @param modelJson the MLmodel content as JSON
     */
    public void logModel(String runId, String modelJson) {
        http.post("runs/log-model", Service.LogModel.newBuilder().setRunId(runId).setModelJson(modelJson).build(),
                Service.LogModel.Response.getDefaultInstance(), true);
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
     * A run as the server reports it ({@code runs/get}), read as MLflow's {@code Run} message and handed over as its
     * JSON: {@code info}, {@code data.params}, {@code data.tags}, {@code data.metrics} (latest values: key, value,
     * timestamp, step), {@code inputs.dataset_inputs} (read with the official {@code Run}) and
     * {@code inputs.model_inputs}, {@code outputs.model_outputs} (MLflow 3's, read with the plugin's view of
     * {@code Run}); 64-bit integers are JSON strings.
     *
     * @param runId the run
     * @return the {@code run} object
     */
    public JsonNode getRun(String runId) {
        return http.get("runs/get", MlflowJson.query(getRunRequest(runId)), MlflowJson.merged(
                Service.GetRun.Response.getDefaultInstance(), MlflowApi.GetRun.Response.getDefaultInstance()))
                .path("run");
    }

    /**
     * A run as the server reports it ({@code runs/get}).
     *
     * @param runId the run
     * @return MLflow's {@code Run} message (the official one: info, data and dataset inputs)
     */
    Service.Run run(String runId) {
        return http.get("runs/get", getRunRequest(runId), Service.GetRun.Response.getDefaultInstance()).getRun();
    }

    private static Service.GetRun getRunRequest(String runId) {
        return Service.GetRun.newBuilder().setRunId(runId).build();
    }

    /**
     * A run's identity.
     *
     * @param runId the run
     * @return its experiment and artifact root
     */
    public RunInfo runInfo(String runId) {
        return runInfo(run(runId).getInfo(), "runs/get");
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
            Service.GetMetricHistory.Builder request = Service.GetMetricHistory.newBuilder().setRunId(runId)
                    .setMetricKey(key).setMaxResults(25000);
            if (!pageToken.isEmpty()) {
                request.setPageToken(pageToken);
            }
            Service.GetMetricHistory.Response page = http.get("metrics/get-history", request.build(),
                    Service.GetMetricHistory.Response.getDefaultInstance());
            for (Service.Metric metric : page.getMetricsList()) {
                points.add(new MetricPoint(metric.getKey(), metric.getValue(), metric.getTimestamp(),
                        metric.getStep()));
            }
            pageToken = page.getNextPageToken();
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
            http.post("registered-models/create", ModelRegistry.CreateRegisteredModel.newBuilder().setName(name).build(),
                    ModelRegistry.CreateRegisteredModel.Response.getDefaultInstance(), true);
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
        ModelRegistry.SearchModelVersions request = ModelRegistry.SearchModelVersions.newBuilder()
                .setFilter("name = '" + name.replace("'", "") + "' and run_id = '" + runId + "'").build();
        return http.get("model-versions/search", request, ModelRegistry.SearchModelVersions.Response.getDefaultInstance())
                .getModelVersionsList().stream().filter(version -> source.equals(version.getSource()))
                .map(ModelRegistry.ModelVersion::getVersion).findFirst();
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
        return modelVersionNumber(http.post("model-versions/create", ModelRegistry.CreateModelVersion.newBuilder()
                .setName(name).setSource(source).setRunId(runId).build(),
                ModelRegistry.CreateModelVersion.Response.getDefaultInstance(), false).getModelVersion()
                .getVersion());
    }

    /**
     * A version number {@code model-versions/create} answered.
     *
     * @param version the answer's {@code model_version.version}
     * @return the version number
     * @throws MlflowException when the server left it out
     */
    static String modelVersionNumber(String version) {
        return required(version, "model-versions/create", "model_version.version");
    }

    /**
     * Points an alias of a registered model at a version.
     *
     * @param name    the registered model name
     * @param alias   the alias (e.g. {@code champion})
     * @param version the version number
     */
    public void setAlias(String name, String alias, String version) {
        http.post("registered-models/alias", ModelRegistry.SetRegisteredModelAlias.newBuilder().setName(name)
                .setAlias(alias).setVersion(version).build(),
                ModelRegistry.SetRegisteredModelAlias.Response.getDefaultInstance(), true);
    }

    /**
     * The model version an alias points at.
     *
     * @param name  the registered model name
     * @param alias the alias
     * @return the {@code model_version} object ({@code version}, {@code source} ({@code models:/<model id>} for a
     *         logged model), {@code run_id}, {@code aliases}, ...), MLflow's {@code ModelVersion} message as JSON
     */
    public JsonNode modelVersionByAlias(String name, String alias) {
        return MlflowJson.tree(http.get("registered-models/alias", ModelRegistry.GetModelVersionByAlias.newBuilder()
                        .setName(name).setAlias(alias).build(),
                ModelRegistry.GetModelVersionByAlias.Response.getDefaultInstance()).getModelVersion());
    }

    /**
     * A run's identity from its {@code info} message.
     *
     * @param info     the message
     * @param endpoint the call that returned it, for the error
     * @return the identity
     * @throws MlflowException when the server left out the run id
     */
    static RunInfo runInfo(Service.RunInfo info, String endpoint) {
        return new RunInfo(required(info.getRunId(), endpoint, "run.info.run_id"), info.getExperimentId(),
                info.getArtifactUri());
    }

    /**
     * A value the server must answer.
     *
     * @param value    the value read
     * @param endpoint the call
     * @param field    the field's path in the answer
     * @return the value
     * @throws MlflowException when it is empty
     */
    static String required(String value, String endpoint, String field) {
        if (value.isEmpty()) {
            throw new MlflowException(FailureKind.REJECTED, 0, "", "The MLflow server's answer to " + endpoint
                    + " has no " + field + "; is this URI an MLflow tracking server of a supported version?", null);
        }
        return value;
    }

    private static Service.RunTag runTag(String key, String value) {
        return Service.RunTag.newBuilder().setKey(key).setValue(value).build();
    }
}
