package org.dml4j.mlflow;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What an {@link MlflowTracker} logs and how long it waits.
 *
 * @param experimentName    the MLflow experiment (created, or restored when deleted)
 * @param runName           the run name, or null to use the trainer's
 * @param description       the run description (Markdown, shown in the UI), or null
 * @param batchLossEvery    log the batch loss every this many global steps (1 logs every batch)
 * @param spoolRoot         where runs are spooled before delivery (default {@link #defaultSpoolRoot})
 * @param gitCommit         the source's git commit, or null when unknown
 * @param sourceName        the program, for {@code mlflow.source.name}
 * @param finishTimeout     how long {@link MlflowTracker#finish()} waits for the delivery
 * @param maxReconnectDelay the longest wait between delivery attempts while the server is unreachable
 * @param queueCapacity     the capacity of the queue between the training thread and the spooler
 */
public record TrackerOptions(String experimentName, String runName, String description, int batchLossEvery,
                             Path spoolRoot, String gitCommit, String sourceName, Duration finishTimeout,
                             Duration maxReconnectDelay, int queueCapacity) {

    /**
     * The default spool root, one absolute folder for every working directory (so that {@code ./dml4j sync} run
     * anywhere finds every spooled run): {@code $DML4J_HOME/spool} when {@code DML4J_HOME} is set, else
     * {@code ~/.dml4j/spool}.
     *
     * @param env the environment, such as {@link System#getenv()}
     * @return the absolute spool root
     */
    public static Path defaultSpoolRoot(Map<String, String> env) {
        String home = env.get("DML4J_HOME");
        Path base = home != null && !home.isBlank() ? Path.of(home)
                : Path.of(System.getProperty("user.home"), ".dml4j");
        return base.resolve("spool").toAbsolutePath();
    }

    /**
     * Validates the options.
     *
     * @param experimentName see the record
     * @param runName see the record
     * @param description see the record
     * @param batchLossEvery see the record
     * @param spoolRoot see the record
     * @param gitCommit see the record
     * @param sourceName see the record
     * @param finishTimeout see the record
     * @param maxReconnectDelay see the record
     * @param queueCapacity see the record
     * @throws IllegalArgumentException naming the option and the value found
     */
    public TrackerOptions {
        if (experimentName == null || experimentName.isBlank() || experimentName.length() > 500) {
            throw new IllegalArgumentException("TrackerOptions.experimentName must be 1 to 500 characters, found '"
                    + experimentName + "'");
        }
        if (batchLossEvery < 1) {
            throw new IllegalArgumentException("TrackerOptions.batchLossEvery must be at least 1, found "
                    + batchLossEvery);
        }
        if (queueCapacity < 16) {
            throw new IllegalArgumentException("TrackerOptions.queueCapacity must be at least 16, found "
                    + queueCapacity);
        }
        if (finishTimeout.isNegative() || maxReconnectDelay.isNegative() || maxReconnectDelay.isZero()) {
            throw new IllegalArgumentException("TrackerOptions.finishTimeout must not be negative and"
                    + " maxReconnectDelay must be positive, found " + finishTimeout + " and " + maxReconnectDelay);
        }
    }

    /**
     * The defaults for an experiment: the trainer's run name, batch loss every 10 steps, spool in the
     * {@link #defaultSpoolRoot default spool root}, a 60 s finish timeout, reconnect attempts at most 30 s apart, a
     * 10,000-record queue.
     *
     * @param experimentName the experiment
     * @return the options
     */
    public static TrackerOptions forExperiment(String experimentName) {
        return new TrackerOptions(experimentName, null, null, 10, defaultSpoolRoot(System.getenv()), null, "dml4j",
                Duration.ofSeconds(60), Duration.ofSeconds(30), 10_000);
    }

    /**
     * These options with a run name.
     *
     * @param name the run name
     * @return the new options
     */
    public TrackerOptions withRunName(String name) {
        return new TrackerOptions(experimentName, name, description, batchLossEvery, spoolRoot, gitCommit,
                sourceName, finishTimeout, maxReconnectDelay, queueCapacity);
    }

    /**
     * These options with a run description.
     *
     * @param text the description (Markdown)
     * @return the new options
     */
    public TrackerOptions withDescription(String text) {
        return new TrackerOptions(experimentName, runName, text, batchLossEvery, spoolRoot, gitCommit, sourceName,
                finishTimeout, maxReconnectDelay, queueCapacity);
    }

    /**
     * These options with another batch-loss sampling interval.
     *
     * @param steps log the batch loss every this many steps
     * @return the new options
     */
    public TrackerOptions withBatchLossEvery(int steps) {
        return new TrackerOptions(experimentName, runName, description, steps, spoolRoot, gitCommit, sourceName,
                finishTimeout, maxReconnectDelay, queueCapacity);
    }

    /**
     * These options with another spool root.
     *
     * @param root the spool root
     * @return the new options
     */
    public TrackerOptions withSpoolRoot(Path root) {
        return new TrackerOptions(experimentName, runName, description, batchLossEvery, root, gitCommit, sourceName,
                finishTimeout, maxReconnectDelay, queueCapacity);
    }

    /**
     * These options with the source's git commit and program name.
     *
     * @param commit  the commit hash, or null
     * @param program the program name
     * @return the new options
     */
    public TrackerOptions withSource(String commit, String program) {
        return new TrackerOptions(experimentName, runName, description, batchLossEvery, spoolRoot, commit, program,
                finishTimeout, maxReconnectDelay, queueCapacity);
    }

    /**
     * These options with other waits.
     *
     * @param finish    how long {@link MlflowTracker#finish()} waits
     * @param reconnect the longest wait between delivery attempts
     * @return the new options
     */
    public TrackerOptions withWaits(Duration finish, Duration reconnect) {
        return new TrackerOptions(experimentName, runName, description, batchLossEvery, spoolRoot, gitCommit,
                sourceName, finish, reconnect, queueCapacity);
    }
}
