package org.dml4j.mlflow;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.List;
import java.util.Map;

/**
 * One thing a tracker logs, as it is spooled (one JSON line each, tagged by {@code type}; no class names, no Java
 * serialization) and later delivered to the server in order.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = TrackingRecord.CreateRun.class, name = "create-run"),
        @JsonSubTypes.Type(value = TrackingRecord.LogBatch.class, name = "log-batch"),
        @JsonSubTypes.Type(value = TrackingRecord.LogArtifact.class, name = "log-artifact"),
        @JsonSubTypes.Type(value = TrackingRecord.LogModel.class, name = "log-model"),
        @JsonSubTypes.Type(value = TrackingRecord.LogLoggedModel.class, name = "log-logged-model"),
        @JsonSubTypes.Type(value = TrackingRecord.RegisterModel.class, name = "register-model"),
        @JsonSubTypes.Type(value = TrackingRecord.LogInputs.class, name = "log-inputs"),
        @JsonSubTypes.Type(value = TrackingRecord.SetStatus.class, name = "set-status")
})
sealed interface TrackingRecord {

    /**
     * Creates (or finds again) the run; always the first record of a spool.
     *
     * @param experimentName    the experiment, created or restored when needed
     * @param runName           the run name
     * @param startTime         milliseconds since the epoch
     * @param tags              the tags set at creation (including the client run id)
     * @param parentClientRunId the client run id of the parent run, or null
     */
    record CreateRun(String experimentName, String runName, long startTime, Map<String, String> tags,
                     String parentClientRunId) implements TrackingRecord {
    }

    /**
     * Metrics, params and tags for one {@code log-batch} call (or part of one: consecutive records are merged).
     *
     * @param metrics the metrics
     * @param params  the params, keys sanitized and values truncated
     * @param tags    the tags, keys sanitized and values truncated
     */
    record LogBatch(List<MetricPoint> metrics, Map<String, String> params, Map<String, String> tags)
            implements TrackingRecord {
    }

    /**
     * An artifact file.
     *
     * @param artifactPath the normalized path below the run's artifact root
     * @param file         the copy's path relative to the spool directory
     */
    record LogArtifact(String artifactPath, String file) implements TrackingRecord {
    }

    /**
     * A model directory: the model file plus an {@code MLmodel} file written at delivery (it names the run id).
     *
     * @param artifactPath the model directory below the run's artifact root
     * @param file         the model file's copy, relative to the spool directory
     * @param fileName     the model file's name inside the model directory
     * @param flavor       the {@code dml4j} flavor's fields
     * @param createdUtc   {@code utc_time_created}, e.g. {@code 2025-01-31 12:00:00.000000}
     * @param modelUuid    {@code model_uuid}
     */
    record LogModel(String artifactPath, String file, String fileName, Map<String, String> flavor,
                    String createdUtc, String modelUuid) implements TrackingRecord {
    }

    /**
     * An MLflow 3 logged model ({@link LoggedModelUpload}): created (or found again by its client id), its files and
     * {@code MLmodel} uploaded, linked to the run's outputs at a step with the run's metrics of that step, finalized,
     * and optionally registered.
     *
     * @param name           the model's name, e.g. {@code model} (also its run artifact folder on an MLflow 2 server)
     * @param clientModelId  the id the tracker gives the model (a tag), so a repeated delivery finds it again
     * @param files          the model directory's files (path inside it → the copy, relative to the spool directory)
     * @param content        the {@code MLmodel} fields known when it was logged ({@link ModelDirectory#content()})
     * @param step           the step of the run it belongs to (the epoch of a checkpoint)
     * @param metrics        the run's metrics at that step, logged again as the model's
     * @param registeredName the Model Registry name to register it under, or null
     * @param alias          the alias to point at the new version, or null
     */
    record LogLoggedModel(String name, String clientModelId, Map<String, String> files, Map<String, Object> content,
                          long step, List<MetricPoint> metrics, String registeredName, String alias)
            implements TrackingRecord {
    }

    /**
     * A Model Registry version of a logged model directory, with an optional alias.
     *
     * @param name         the registered model name
     * @param artifactPath the model directory below the run's artifact root
     * @param alias        the alias, or null
     */
    record RegisterModel(String name, String artifactPath, String alias) implements TrackingRecord {
    }

    /**
     * Datasets the run used ({@code runs/log-inputs}).
     *
     * @param inputs the datasets, each with its context
     */
    record LogInputs(List<DatasetInput> inputs) implements TrackingRecord {
    }

    /**
     * The run's final status; the last record of a spool.
     *
     * @param status  {@code FINISHED}, {@code FAILED} or {@code KILLED}
     * @param endTime milliseconds since the epoch
     */
    record SetStatus(String status, long endTime) implements TrackingRecord {
    }
}
