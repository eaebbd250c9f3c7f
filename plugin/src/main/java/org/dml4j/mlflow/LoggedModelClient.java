package org.dml4j.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import org.dml4j.mlflow.protos.MlflowApi;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The REST calls of MLflow 3 logged models ({@code /api/2.0/mlflow/logged-models}): create one, upload its files
 * through the artifact proxy, link it to a run's outputs at a step, tie metrics to it, finalize it, find it by tag,
 * and register it as a Model Registry version. A server without these endpoints (MLflow 2) answers
 * {@link #create} with an {@link MlflowException} for which {@link #isMissingEndpoint} is true.
 * These calls, the {@code model_id} of a logged model's metrics and of its registry version are what MLflow 3 added
 * and the official Java client's messages lack, so they are the plugin's own ({@link MlflowApi}); the registry
 * calls around them go through {@link MlflowRestClient} with the official ones. Thread-safe; each method throws
 * {@link MlflowException} on failure.
 */
public final class LoggedModelClient {

    private final MlflowHttp http;

    /**
     * Creates a client on the same server and settings as {@code client}.
     *
     * @param client the tracking client
     */
    public LoggedModelClient(MlflowRestClient client) {
        this.http = client.http();
    }

    /**
     * Creates a logged model (status pending until {@link #finalizeReady}).
     *
     * @param experimentId its experiment
     * @param name         its name, e.g. {@code model}
     * @param sourceRunId  the run that produced it, or null
     * @param tags         its tags
     * @return its identity and artifact root
     */
    public LoggedModel create(String experimentId, String name, String sourceRunId, Map<String, String> tags) {
        MlflowApi.CreateLoggedModel.Builder request = MlflowApi.CreateLoggedModel.newBuilder()
                .setExperimentId(experimentId).setName(name);
        if (sourceRunId != null) {
            request.setSourceRunId(sourceRunId);
        }
        tags.forEach((key, value) -> request.addTags(MlflowApi.LoggedModelTag.newBuilder().setKey(key)
                .setValue(value)));
        return LoggedModel.of(http.post("logged-models", request.build(),
                MlflowApi.CreateLoggedModel.Response.getDefaultInstance(), false).getModel(), "logged-models");
    }

    /**
     * Whether a failure means the server has no logged-models endpoints (an MLflow 2 server answers 404).
     *
     * @param e the failure of a logged-models call
     * @return true for a missing endpoint
     */
    public static boolean isMissingEndpoint(MlflowException e) {
        return e.status() == 404 && !"RESOURCE_DOES_NOT_EXIST".equals(e.errorCode());
    }

    /**
     * The logged model of an experiment with a tag value, if there is one (the newest).
     *
     * @param experimentId the experiment
     * @param tagKey       the tag key
     * @param tagValue     the tag value
     * @return the model
     */
    public Optional<LoggedModel> findByTag(String experimentId, String tagKey, String tagValue) {
        MlflowApi.SearchLoggedModels request = MlflowApi.SearchLoggedModels.newBuilder()
                .addExperimentIds(experimentId)
                .setFilter("tags.`" + tagKey + "` = '" + tagValue.replace("'", "\\'") + "'").setMaxResults(1).build();
        List<MlflowApi.LoggedModel> models = http.post("logged-models/search", request,
                MlflowApi.SearchLoggedModels.Response.getDefaultInstance(), true).getModelsList();
        return models.isEmpty() ? Optional.empty()
                : Optional.of(LoggedModel.of(models.get(0), "logged-models/search"));
    }

    /**
     * The server's record of a logged model: {@code info} (status, tags, source run) and {@code data} (params,
     * metrics), MLflow's {@code LoggedModel} message as JSON.
     *
     * @param modelId the model id
     * @return the {@code model} object
     */
    public JsonNode get(String modelId) {
        return MlflowJson.tree(model(modelId));
    }

    private MlflowApi.LoggedModel model(String modelId) {
        return http.get("logged-models/" + modelId, List.of(), (body, what) -> MlflowJson.parse(body,
                MlflowApi.GetLoggedModel.Response.getDefaultInstance(), what)).getModel();
    }

    /**
     * Downloads one file of a logged model's directory.
     *
     * @param modelId      the model id
     * @param artifactPath the path inside the model directory, e.g. {@code MLmodel}
     * @return the bytes
     */
    public byte[] downloadArtifact(String modelId, String artifactPath) {
        LoggedModel model = LoggedModel.of(model(modelId), "logged-models/" + modelId);
        return http.getArtifact(model.proxyPath(ArtifactPaths.normalize(artifactPath)));
    }

    /**
     * Uploads one file of the model directory (an idempotent overwrite).
     *
     * @param model        the model
     * @param artifactPath the path inside the model directory, e.g. {@code MLmodel}
     * @param file         the file
     */
    public void uploadArtifact(LoggedModel model, String artifactPath, Path file) {
        http.putArtifact(model.proxyPath(ArtifactPaths.normalize(artifactPath)), file);
    }

    /**
     * Records the model among a run's outputs at a step (the run's page lists it; the step ties it to that
     * epoch).
     *
     * @param runId the run
     * @param model the model
     * @param step  the step
     */
    public void linkToRun(String runId, LoggedModel model, long step) {
        http.post("runs/outputs", MlflowApi.LogOutputs.newBuilder().setRunId(runId).addModels(MlflowApi.ModelOutput
                        .newBuilder().setModelId(model.modelId()).setStep(step)).build(),
                MlflowApi.LogOutputs.Response.getDefaultInstance(), true);
    }

    /**
     * Logs metric values of a run as the model's metrics ({@code model_id} set), as MLflow's Python client does
     * for the run's metrics at the step a model is logged.
     *
     * @param runId   the run
     * @param model   the model
     * @param metrics the values (at most {@link LogBatchLimits} per call)
     */
    public void logMetrics(String runId, LoggedModel model, List<MetricPoint> metrics) {
        MlflowApi.LogBatch.Builder request = MlflowApi.LogBatch.newBuilder().setRunId(runId);
        metrics.forEach(point -> request.addMetrics(MlflowApi.Metric.newBuilder().setKey(point.key())
                .setValue(point.value()).setTimestamp(point.timestamp()).setStep(point.step())
                .setModelId(model.modelId())));
        http.post("runs/log-batch", request.build(), MlflowApi.LogBatch.Response.getDefaultInstance(), true);
    }

    /**
     * Marks the model ready (its files are uploaded).
     *
     * @param model the model
     */
    public void finalizeReady(LoggedModel model) {
        http.patch("logged-models/" + model.modelId(), MlflowApi.FinalizeLoggedModel.newBuilder()
                        .setModelId(model.modelId()).setStatus(MlflowApi.LoggedModelStatus.LOGGED_MODEL_READY).build(),
                MlflowApi.FinalizeLoggedModel.Response.getDefaultInstance(), true);
    }

    /**
     * Creates a Model Registry version of the model (source {@code models:/<id>}, linked by {@code model_id}),
     * creating the registered model when missing, and points an alias at it.
     *
     * @param client the tracking client (registry calls)
     * @param name   the registered model name
     * @param alias  the alias, or null
     * @param model  the model
     * @param runId  the run that produced it
     * @return the version
     */
    public String register(MlflowRestClient client, String name, String alias, LoggedModel model, String runId) {
        client.ensureRegisteredModel(name);
        String version = client.findModelVersion(name, runId, model.uri()).orElseGet(() ->
                MlflowRestClient.modelVersionNumber(http.post("model-versions/create", MlflowApi.CreateModelVersion
                        .newBuilder().setName(name).setSource(model.uri()).setRunId(runId).setModelId(model.modelId())
                        .build(), MlflowApi.CreateModelVersion.Response.getDefaultInstance(), false)
                        .getModelVersion().getVersion()));
        if (alias != null) {
            client.setAlias(name, alias, version);
        }
        return version;
    }
}
