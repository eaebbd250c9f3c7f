package org.dml4j.experiments.sweep;

/**
 * Runs a sweep's trials outside the sweep's JVM (a Spark cluster) and hands back what each left; the sweep replays
 * the events into the trial's tracking, as it does for a child JVM's. A site may run a trial more than once (a
 * retried task): only the result it returns counts, so each trial is recorded once.
 */
public interface TrialSite {

    /** @return how many trials the site runs at once */
    int slots();

    /**
     * Runs a trial to its end.
     *
     * @param task the trial to run
     * @return its events and outcome
     * @throws RuntimeException when the site could not run it (e.g. its retries were used up)
     */
    TrialTask.Result run(TrialTask task);
}
