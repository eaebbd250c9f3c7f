package org.dml4j.experiments;

import org.dml4j.mlflow.MlflowConnection;
import org.dml4j.mlflow.MlflowKeys;
import org.dml4j.mlflow.MlflowRestClient;
import org.dml4j.mlflow.MlflowTracker;
import org.dml4j.mlflow.ModelRegistration;
import org.dml4j.mlflow.RunInfo;
import org.dml4j.mlflow.TrackerOptions;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** MLflow tracking options: where the tracking server is, the experiment and the run name. */
final class TrackingOptions {

    @Option(names = "--tracking-uri", paramLabel = "URI",
            description = "The MLflow tracking server (default: $MLFLOW_TRACKING_URI; none: no tracking). "
                    + "Credentials come from MLFLOW_TRACKING_USERNAME/PASSWORD or MLFLOW_TRACKING_TOKEN.")
    String trackingUri;

    @Option(names = "--experiment", defaultValue = "dml4j", paramLabel = "NAME",
            description = "The MLflow experiment. Default: ${DEFAULT-VALUE}.")
    String experiment;

    @Option(names = "--run-name", paramLabel = "NAME", description = "The MLflow run name.")
    String runName;

    @Option(names = "--register-model", paramLabel = "NAME", description = "Register the trained model (with "
            + "--model-out) as a new version of this model in the MLflow Model Registry.")
    String registeredModel;

    @Option(names = "--model-alias", paramLabel = "ALIAS", description = "An alias for the registered version "
            + "(e.g. champion).")
    String modelAlias;

    /** @return the registration the options ask for, or null */
    ModelRegistration registration() {
        if (registeredModel == null) {
            if (modelAlias != null) {
                throw new UserError("--model-alias needs --register-model NAME.");
            }
            return null;
        }
        return new ModelRegistration(registeredModel, modelAlias);
    }

    /** The commit of the project's git checkout, or null outside one (recorded as mlflow.source.git.commit). */
    private static String gitCommit() {
        try {
            Process git = new ProcessBuilder("git", "-C", QuickstartCommand.home().toString(), "rev-parse", "HEAD")
                    .redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes()).trim();
            return git.waitFor(5, TimeUnit.SECONDS) && git.exitValue() == 0
                    && out.matches("[0-9a-f]{40}") ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** @return the tracking URI from the option or the environment, or null for no tracking */
    String resolvedUri() {
        if (trackingUri != null) {
            return trackingUri;
        }
        String env = System.getenv("MLFLOW_TRACKING_URI");
        return env == null || env.isBlank() ? null : env;
    }

    /**
     * A tracker for one run, or null when no tracking server is configured.
     *
     * @param description the run description (Markdown)
     * @return the tracker and its client, or null
     */
    Tracking open(String description) {
        String uri = resolvedUri();
        if (uri == null) {
            return null;
        }
        MlflowRestClient client = new MlflowRestClient(MlflowConnection.fromEnvironment(System.getenv(), uri));
        TrackerOptions options = TrackerOptions.forExperiment(experiment).withDescription(description)
                .withSource(gitCommit(), "dml4j");
        if (runName != null) {
            options = options.withRunName(runName);
        }
        return new Tracking(client.connection().trackingUri().toString(), client, new MlflowTracker(client, options),
                experiment);
    }

    /** A tracker with what it takes to find its run afterwards (the URI without user-info). */
    record Tracking(String uri, MlflowRestClient client, MlflowTracker tracker, String experiment) {

        /** @return the URL of the run in the MLflow UI, if the server knows it */
        Optional<String> runUrl() {
            try {
                String experimentId = client.experimentId(experiment);
                return client.findRunByTag(experimentId, MlflowKeys.CLIENT_RUN_ID_TAG, tracker.clientRunId())
                        .map(RunInfo::runId)
                        .map(run -> uri.replaceAll("/+$", "") + "/#/experiments/" + experimentId + "/runs/" + run);
            } catch (RuntimeException unreachable) {
                return Optional.empty();
            }
        }
    }
}
