package org.dml4j.mlflow;

/** Why a call to the MLflow server failed, which decides what the tracker does next. */
public enum FailureKind {
    /** The server is unreachable, overloaded (429) or failing (5xx): keep the records and try again later. */
    TRANSIENT,
    /** The server refused the credentials (401/403): keep the records; they need a {@code sync} with new ones. */
    AUTHENTICATION,
    /** The server rejected the request itself (another 4xx): retrying the same request cannot help. */
    REJECTED
}
