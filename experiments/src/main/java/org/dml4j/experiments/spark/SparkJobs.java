package org.dml4j.experiments.spark;

import org.dml4j.experiments.io.UserError;

import java.util.function.Supplier;

/** Runs Spark jobs for the CLI, turning a failed job into a one-line {@link UserError}. */
final class SparkJobs {

    private static final String MARK = ExecutorFailure.class.getName() + ": ";

    private SparkJobs() {
    }

    /**
     * Runs a job (after Spark's retries of its failed tasks).
     *
     * @param what what the job does, for the error ("read the CSV file ...")
     * @param job  the job
     * @param <T>  its result
     * @return its result
     * @throws UserError when the job failed: an executor's {@link ExecutorFailure} message when there is one (Spark
     *                   passes it as its cause, or only in its message's text), else the first line of Spark's
     */
    static <T> T run(String what, Supplier<T> job) {
        try {
            return job.get();
        } catch (UserError e) {
            throw e;
        } catch (Exception e) { // Spark's SparkException is checked, though Scala does not declare it
            throw new UserError("Spark could not " + what + ": " + reason(e), e);
        }
    }

    private static String reason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ExecutorFailure) {
                return t.getMessage();
            }
        }
        String text = String.valueOf(failure.getMessage());
        int at = text.indexOf(MARK);
        String line = at >= 0 ? text.substring(at + MARK.length()) : text;
        return line.lines().findFirst().orElse("");
    }
}
