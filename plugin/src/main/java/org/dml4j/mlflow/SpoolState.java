package org.dml4j.mlflow;

/**
 * How far a spool has been delivered.
 *
 * @param deliveredBytes the length of the spool file's delivered prefix
 * @param run            the MLflow run once it was created, or null
 * @param finished       whether the final status was delivered
 * @param rejected       the number of records the server rejected (kept in {@code rejected.jsonl})
 */
record SpoolState(long deliveredBytes, RunInfo run, boolean finished, int rejected) {

    /** The state of a spool nothing of which was delivered. */
    static final SpoolState EMPTY = new SpoolState(0, null, false, 0);
}
