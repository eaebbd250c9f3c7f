package org.dml4j.experiments;

import org.dml4j.experiments.io.UserError;
import org.dml4j.mlflow.MlflowConnection;
import org.dml4j.mlflow.MlflowRestClient;
import org.dml4j.mlflow.MlflowTracker;
import org.dml4j.mlflow.MlflowUi;
import org.dml4j.mlflow.ModelRegistration;
import org.dml4j.mlflow.RunInfo;
import org.dml4j.mlflow.TrackerOptions;
import org.dml4j.mlflow.TrackingOutcome;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
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

    @Option(names = "--spool-dir", paramLabel = "DIR", description = "Where tracking data waits for the server "
            + "(default: $DML4J_HOME/spool, else ~/.dml4j/spool; `./dml4j sync` delivers what is left there).")
    Path spoolDir;

    @Option(names = "--delivery-wait", defaultValue = "60", paramLabel = "SECONDS", description = "How long the "
            + "command waits at the end for the server to take the run; what is left stays spooled for "
            + "`./dml4j sync`. Default: ${DEFAULT-VALUE}.")
    int deliveryWaitSeconds;

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

    /** @return the spool root: {@code --spool-dir}, else the default absolute one */
    Path spoolRoot() {
        return spoolDir != null ? spoolDir.toAbsolutePath() : TrackerOptions.defaultSpoolRoot(System.getenv());
    }

    /**
     * Checks that the spool root can be written (a tracked command's records wait there), so that an unwritable
     * spool is an error before any work, never tracking silently turned off.
     *
     * @throws UserError when it cannot be created or written
     */
    void checkSpool() {
        OutputPaths.directory(spoolRoot(), "the tracking spool (--spool-dir)");
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
        checkSpool();
        if (deliveryWaitSeconds < 0) {
            throw new UserError("--delivery-wait must be 0 seconds or more, found " + deliveryWaitSeconds + ".");
        }
        MlflowRestClient client = new MlflowRestClient(MlflowConnection.fromEnvironment(System.getenv(), uri));
        TrackerOptions defaults = TrackerOptions.forExperiment(experiment);
        TrackerOptions options = defaults.withDescription(description).withSource(gitCommit(), "dml4j")
                .withSpoolRoot(spoolRoot())
                .withWaits(Duration.ofSeconds(deliveryWaitSeconds), defaults.maxReconnectDelay());
        if (runName != null) {
            options = options.withRunName(runName);
        }
        return new Tracking(client.connection().trackingUri().toString(), client, new MlflowTracker(client, options),
                experiment, options.finishTimeout());
    }

    /**
     * A tracker with what it takes to find its run afterwards.
     *
     * @param uri          the tracking server, without user-info
     * @param client       its client
     * @param tracker      the run's tracker
     * @param experiment   the experiment
     * @param deliveryWait how long a run's end waits for the server ({@code --delivery-wait})
     */
    record Tracking(String uri, MlflowRestClient client, MlflowTracker tracker, String experiment,
                    Duration deliveryWait) {

        /**
         * The run's page in the MLflow UI, from what the delivery learnt (no further call to a server that may not
         * answer), in the UI's training view ({@link MlflowUi}).
         *
         * @param outcome the tracker's outcome
         * @return the URL, when the run was created on the server
         */
        Optional<String> runUrl(TrackingOutcome outcome) {
            RunInfo run = outcome.run();
            return run == null ? Optional.empty() : Optional.of(MlflowUi.runUrl(uri, run));
        }
    }
}
