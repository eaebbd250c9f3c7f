package org.dml4j.experiments.spark;

/**
 * A problem a task finds on an executor that the user must fix (a path it cannot read, a model it cannot load, a
 * bad cell), with the message to show. Spark retries the task and then fails the job; the driver turns the message
 * back into a one-line error ({@link SparkJobs#run}).
 */
final class ExecutorFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message the problem and the fix
     * @param cause   the failure behind it, or null
     */
    ExecutorFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
