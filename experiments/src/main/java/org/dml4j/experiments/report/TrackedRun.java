package org.dml4j.experiments.report;

import com.fasterxml.jackson.databind.JsonNode;
import org.dml4j.experiments.io.UserError;
import org.dml4j.mlflow.MlflowConnection;
import org.dml4j.mlflow.MlflowException;
import org.dml4j.mlflow.MlflowRestClient;
import org.dml4j.mlflow.RunInfo;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run read back from MLflow ({@code compare}, {@code reproduce}): its params, latest metric values and tags, and
 * access to its artifacts.
 *
 * @param client  the server
 * @param info    the run's identity
 * @param name    its name
 * @param params  its params, by key
 * @param metrics its latest metric values, by key
 * @param tags    its tags, by key
 */
public record TrackedRun(MlflowRestClient client, RunInfo info, String name, Map<String, String> params,
                  Map<String, Double> metrics, Map<String, String> tags) {

    /**
     * A client for the server, checked to answer.
     *
     * @param uri the {@code --tracking-uri} option, or null for {@code $MLFLOW_TRACKING_URI}
     * @return the client
     * @throws UserError when no server is given or it does not answer
     */
    public static MlflowRestClient connect(String uri) {
        String resolved = uri != null ? uri : System.getenv("MLFLOW_TRACKING_URI");
        if (resolved == null || resolved.isBlank()) {
            throw new UserError("No MLflow server given: pass --tracking-uri URI or set MLFLOW_TRACKING_URI.");
        }
        MlflowRestClient client = new MlflowRestClient(MlflowConnection.fromEnvironment(System.getenv(), resolved));
        if (!client.healthy()) {
            throw new UserError("The MLflow server at " + client.connection().trackingUri() + " does not answer. Start it (./dml4j "
                    + "quickstart starts a local one) or fix --tracking-uri.");
        }
        return client;
    }

    /**
     * Reads a run.
     *
     * @param client the server
     * @param runId  the run id (as in the MLflow UI)
     * @return the run
     * @throws UserError when the server does not know it
     */
    public static TrackedRun fetch(MlflowRestClient client, String runId) {
        JsonNode run;
        try {
            run = client.getRun(runId);
        } catch (MlflowException e) {
            throw new UserError("MLflow has no run '" + runId + "' (" + e.getMessage() + "). Copy the run id from "
                    + "the MLflow UI or from the URL train prints.", e);
        }
        Map<String, String> params = new TreeMap<>();
        run.at("/data/params").forEach(p -> params.put(p.path("key").asText(), p.path("value").asText()));
        Map<String, Double> metrics = new TreeMap<>();
        run.at("/data/metrics").forEach(m -> metrics.put(m.path("key").asText(), m.path("value").asDouble()));
        Map<String, String> tags = new TreeMap<>();
        run.at("/data/tags").forEach(t -> tags.put(t.path("key").asText(), t.path("value").asText()));
        return new TrackedRun(client, client.runInfo(runId), run.at("/info/run_name").asText(runId), params,
                metrics, tags);
    }

    /** @return the run id */
    public String id() {
        return info.runId();
    }

    /**
     * Downloads an artifact.
     *
     * @param path  the artifact path
     * @param what  what it is, for the message
     * @return its bytes
     * @throws UserError when the run has no such artifact
     */
    public byte[] artifact(String path, String what) {
        try {
            return client.downloadArtifact(info, path);
        } catch (MlflowException e) {
            throw new UserError("Run " + id() + " has no " + path + " (" + what + "): it was not tracked by this "
                    + "version of dml4j train. Train it again with --tracking-uri.", e);
        }
    }

    /**
     * The run's per-query evaluation results.
     *
     * @return the results
     * @throws UserError when the run has none
     */
    PerQueryResults perQuery() {
        try {
            return PerQueryResults.parse(artifact(PerQueryResults.ARTIFACT, "the per-query results"));
        } catch (IOException e) {
            throw new UserError("Run " + id() + "'s " + PerQueryResults.ARTIFACT + " is not readable: "
                    + e.getMessage(), e);
        }
    }
}
