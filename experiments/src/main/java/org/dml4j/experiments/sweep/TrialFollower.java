package org.dml4j.experiments.sweep;

import java.util.List;

/**
 * What a {@link TrialSite} tells the sweep while a trial trains elsewhere: the events its running attempt has logged
 * so far, as they reach the site (late and in batches), so the sweep's stopping rule can follow the trial's curve
 * and stop it as it would stop a trial in this JVM.
 */
public interface TrialFollower {

    /**
     * The events a trial's attempt has logged so far.
     *
     * @param attempt the attempt (a retried task is a new attempt, whose log starts again)
     * @param events  every event line of the attempt so far, in order
     * @return true when the trial should stop
     */
    boolean progress(long attempt, List<String> events);
}
