package org.dml4j.experiments.sweep;

import java.util.Map;

/**
 * One trial of a sweep and, once run, its outcome.
 *
 * @param number    the trial number, from 1
 * @param values    the searched options' values
 * @param args      the train options (base and values)
 * @param status    the outcome, null before it ran
 * @param objective the best validation value of the sweep's metric (NaN when none)
 * @param epochs    the epochs trained
 * @param seconds   the wall time
 * @param message   why it failed or was stopped early, else null
 */
public record Trial(int number, Map<String, String> values, TrialArgs args, Status status, double objective,
             int epochs, double seconds, String message) {

    /** How a trial ended. */
    public enum Status {
        /** It trained to its end (its epochs or its own early stopping). */
        COMPLETED,
        /** The sweep's stopping rule stopped it. */
        PRUNED,
        /** It failed with an error. */
        FAILED
    }

    /**
     * A trial not yet run.
     *
     * @param number  the number
     * @param values  the searched values
     * @param args    the train options
     */
    public Trial(int number, Map<String, String> values, TrialArgs args) {
        this(number, values, args, null, Double.NaN, 0, 0, null);
    }

    /**
     * This trial with its outcome.
     *
     * @param outcome   how it ended
     * @param objective the best validation value
     * @param epochs    the epochs trained
     * @param seconds   the wall time
     * @param message   the failure, or null
     * @return the finished trial
     */
    public Trial finished(Status outcome, double objective, int epochs, double seconds, String message) {
        return new Trial(number, values, args, outcome, objective, epochs, seconds, message);
    }

    /** @return the searched values as {@code name=value, ...} */
    public String label() {
        return values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .reduce((a, b) -> a + " " + b).orElse("");
    }
}
