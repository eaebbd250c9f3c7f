package org.dml4j.experiments.sweep;

/**
 * An early-stopping rule over the validation curves of a sweep's trials (the median rule, successive halving).
 * Thread-safe: parallel trials report to one rule.
 */
public interface StoppingRule {

    /**
     * Records a trial's validation value at an epoch and says whether the trial should stop.
     *
     * @param trial the trial number, from 1
     * @param epoch the epoch, from 1, reported in order
     * @param value the validation metric (higher is better)
     * @return true when the trial should stop
     * @throws InterruptedException when the sweep is interrupted while the rule waits for other trials
     */
    boolean report(int trial, int epoch, double value) throws InterruptedException;

    /**
     * A trial ended (completed, stopped or failed): it reports no more.
     *
     * @param trial the trial number
     */
    default void ended(int trial) {
    }

    /** @return the rule's name for tags and summaries, e.g. {@code median} */
    String name();

    /** A rule's settings, as the sweep file gives them; each sweep makes one fresh rule from them. */
    interface Settings {

        /** @return a new rule */
        StoppingRule newRule();
    }
}
