package org.dml4j.experiments.sweep;

/**
 * Runs a sweep's trials outside the sweep's JVM (a Spark cluster) and hands back what each left; the sweep replays
 * the events into the trial's tracking, as it does for a child JVM's, and follows each trial's curve while it trains
 * ({@link TrialFollower}) to stop it early. A site may run a trial more than once (a retried task): only the result
 * it returns counts, so each trial is recorded once.
 */
public interface TrialSite {

    /** @return how many trials the site runs at once */
    int slots();

    /**
     * Runs a trial to its end, or until the follower stops it.
     *
     * @param task     the trial to run
     * @param follower gets the trial's events while it trains, and the last ones when it ends; says when to stop it
     * @return its events and outcome ({@link TrialTask.Result#stopped()} when the follower stopped it)
     * @throws RuntimeException when the site could not run it (e.g. its retries were used up)
     */
    TrialTask.Result run(TrialTask task, TrialFollower follower);
}
