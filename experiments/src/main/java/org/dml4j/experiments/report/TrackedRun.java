package org.dml4j.experiments.report;

import org.dml4j.experiments.io.UserError;
import org.dml4j.mlflow.MlflowConnection;
import org.dml4j.mlflow.MlflowException;
import org.dml4j.mlflow.MlflowRestClient;
import org.dml4j.mlflow.RunReader;
import org.dml4j.mlflow.RunRecord;

import java.io.IOException;
import java.util.Map;

/**
 * A run read back from MLflow ({@code compare}, {@code reproduce}) through the plugin's {@link RunReader}, with the
 * server's failures turned into {@link UserError}s that say what to do.
 *
 * @param reader the server
 * @param run    the run
 */
public record TrackedRun(RunReader reader, RunRecord run) {

    /**
     * A reader of the server, checked to answer.
     *
     * @param uri the {@code --tracking-uri} option, or null for {@code $MLFLOW_TRACKING_URI}
     * @return the reader
     * @throws UserError when no server is given or it does not answer
     */
    public static RunReader connect(String uri) {
        String resolved = uri != null ? uri : System.getenv("MLFLOW_TRACKING_URI");
        if (resolved == null || resolved.isBlank()) {
            throw new UserError("No MLflow server given: pass --tracking-uri URI or set MLFLOW_TRACKING_URI.");
        }
        MlflowRestClient client = new MlflowRestClient(MlflowConnection.fromEnvironment(System.getenv(), resolved));
        if (!client.healthy()) {
            throw new UserError("The MLflow server at " + client.connection().trackingUri() + " does not answer. Start it (./dml4j "
                    + "quickstart starts a local one) or fix --tracking-uri.");
        }
        return new RunReader(client);
    }

    /**
     * Reads a run.
     *
     * @param reader the server
     * @param runId  the run id (as in the MLflow UI)
     * @return the run
     * @throws UserError when the server does not know it
     */
    public static TrackedRun fetch(RunReader reader, String runId) {
        try {
            return new TrackedRun(reader, reader.read(runId));
        } catch (MlflowException e) {
            throw new UserError("MLflow has no run '" + runId + "' (" + e.getMessage() + "). Copy the run id from "
                    + "the MLflow UI or from the URL train prints.", e);
        }
    }

    /** @return the run id */
    public String id() {
        return run.id();
    }

    /** @return the run's name */
    public String name() {
        return run.name();
    }

    /** @return its params, by key */
    public Map<String, String> params() {
        return run.params();
    }

    /** @return its latest metric values, by key */
    public Map<String, Double> metrics() {
        return run.metrics();
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
            return reader.artifact(run, path);
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
