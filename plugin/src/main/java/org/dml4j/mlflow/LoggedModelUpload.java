package org.dml4j.mlflow;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Delivers a spooled {@link TrackingRecord.LogLoggedModel} as an MLflow 3 logged model, each step safe to repeat:
 * the model is found again by its client id tag before one is created, uploads overwrite, the link and the metrics
 * are stored once by the server, a registry version of the same run and source is found again. On a server without
 * the logged-models endpoints (MLflow 2) the same directory becomes a run artifact folder listed with
 * {@code runs/log-model}, with a one-line warning.
 */
final class LoggedModelUpload {

    /** The tag holding the id the tracker gave the model. */
    static final String CLIENT_MODEL_ID_TAG = "dml4j.clientModelId";

    private static final System.Logger LOG = System.getLogger(LoggedModelUpload.class.getName());

    private final MlflowRestClient client;
    private final LoggedModelClient models;
    private final Path spoolDirectory;

    /**
     * Prepares uploads from one spool.
     *
     * @param client         the server
     * @param spoolDirectory the spool directory the record's files are relative to
     */
    LoggedModelUpload(MlflowRestClient client, Path spoolDirectory) {
        this.client = client;
        this.models = new LoggedModelClient(client);
        this.spoolDirectory = spoolDirectory;
    }

    /**
     * Delivers the model.
     *
     * @param run    the run that logged it
     * @param record the record
     * @return true when it became a logged model (registered too, when asked); false when the server has no
     *         logged-models endpoints and it was logged as a run artifact folder instead (not registered yet)
     * @throws IOException when a spooled file cannot be read or the MLmodel written
     */
    boolean deliver(RunInfo run, TrackingRecord.LogLoggedModel record) throws IOException {
        LoggedModel model;
        try {
            model = models.findByTag(run.experimentId(), CLIENT_MODEL_ID_TAG, record.clientModelId())
                    .orElseGet(() -> models.create(run.experimentId(), record.name(), run.runId(),
                            Map.of(CLIENT_MODEL_ID_TAG, record.clientModelId())));
        } catch (MlflowException e) {
            if (!LoggedModelClient.isMissingEndpoint(e)) {
                throw e;
            }
            LOG.log(Level.WARNING, "MLflow server " + client.connection().trackingUri() + " has no logged-models"
                    + " endpoints (MLflow 3 added them): model ''" + record.name() + "'' is logged as the run"
                    + " artifact folder ''" + record.name() + "/'' instead; upgrade the server to MLflow 3 for"
                    + " logged models");
            asRunArtifacts(run, record);
            return false;
        }
        for (Map.Entry<String, String> file : record.files().entrySet()) {
            models.uploadArtifact(model, file.getKey(), spoolDirectory.resolve(file.getValue()));
        }
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("artifact_path", model.artifactLocation());
        content.put("model_id", model.modelId());
        content.put("model_uuid", model.modelId());
        content.put("run_id", run.runId());
        content.putAll(record.content());
        models.uploadArtifact(model, "MLmodel", mlModelFile(new MlModelFile(content), model.modelId()));
        models.linkToRun(run.runId(), model, record.step());
        if (!record.metrics().isEmpty()) {
            models.logMetrics(run.runId(), model, record.metrics());
        }
        models.finalizeReady(model);
        if (record.registeredName() != null) {
            String version = models.register(client, record.registeredName(), record.alias(), model, run.runId());
            LOG.log(Level.INFO, "Registered logged model {0} as ''{1}'' version {2}", model.modelId(),
                    record.registeredName(), version);
        }
        return true;
    }

    /** The model directory as run artifacts under its name, listed by {@code runs/log-model} (MLflow 2). */
    private void asRunArtifacts(RunInfo run, TrackingRecord.LogLoggedModel record) throws IOException {
        String folder = ArtifactPaths.normalize(record.name());
        for (Map.Entry<String, String> file : record.files().entrySet()) {
            client.uploadArtifact(run, folder + "/" + file.getKey(), spoolDirectory.resolve(file.getValue()));
        }
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("artifact_path", folder);
        content.put("model_uuid", record.clientModelId());
        content.put("run_id", run.runId());
        content.putAll(record.content());
        MlModelFile mlModel = new MlModelFile(content);
        client.uploadArtifact(run, folder + "/MLmodel", mlModelFile(mlModel, record.clientModelId()));
        client.logModel(run.runId(), mlModel.json());
    }

    private Path mlModelFile(MlModelFile mlModel, String id) throws IOException {
        Path file = spoolDirectory.resolve("files").resolve("MLmodel-" + id);
        Files.writeString(file, mlModel.yaml(), StandardCharsets.UTF_8);
        return file;
    }
}
