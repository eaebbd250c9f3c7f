package org.dml4j.mlflow;

import java.nio.file.Path;

/**
 * How a tracked run ended on the server.
 *
 * @param delivered      whether every record, the final status last, reached the server
 * @param message        what happened, and what to do when something is still spooled
 * @param spoolDirectory where the undelivered records are kept (deleted once all were delivered)
 * @param run            the run on the server, or null when it was never created there
 */
public record TrackingOutcome(boolean delivered, String message, Path spoolDirectory, RunInfo run) {
}
