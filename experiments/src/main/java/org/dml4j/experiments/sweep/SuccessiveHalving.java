package org.dml4j.experiments.sweep;

import org.dml4j.experiments.io.UserError;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Successive halving (Jamieson and Talwalkar, 2016) on the validation curves of a sweep's trials, in the
 * asynchronous form of ASHA (Li et al., 2020) made deterministic: the rungs are the epochs {@code min_epochs * eta^k};
 * at a rung a trial waits until every lower-numbered trial has reached that rung or ended, then continues only when
 * its best value so far is among the top {@code max(1, floor(n / eta))} of the {@code n} trials numbered up to it at
 * the rung (ties go to the lower number), and stops otherwise. The decision depends on the trials' curves alone, not
 * on their timing, so a sweep's stopped trials are the same for a seed however many trials run at once; and, as the
 * trials start in number order, a trial never waits on one that has not started. Thread-safe.
 */
public final class SuccessiveHalving implements StoppingRule {

    /**
     * The rule's settings.
     *
     * @param minEpochs       the first rung, in epochs
     * @param reductionFactor eta: a rung keeps the top 1/eta of its trials, and the next rung is eta times later
     */
    public record Settings(int minEpochs, int reductionFactor) implements StoppingRule.Settings {
        /**
         * Checks the settings.
         *
         * @param minEpochs       the first rung, in epochs
         * @param reductionFactor eta
         * @throws UserError when {@code minEpochs < 1} or {@code reductionFactor < 2}
         */
        public Settings {
            if (minEpochs < 1 || reductionFactor < 2) {
                throw new UserError("Successive halving needs min_epochs >= 1 and reduction_factor >= 2, found "
                        + minEpochs + " and " + reductionFactor + ".");
            }
        }

        @Override
        public StoppingRule newRule() {
            return new SuccessiveHalving(this);
        }
    }

    private final Settings settings;
    /** Rung epoch to trial number to the trial's best value by that epoch. */
    private final Map<Integer, Map<Integer, Double>> rungs = new HashMap<>();
    private final Map<Integer, Double> best = new HashMap<>();
    private final Set<Integer> ended = new HashSet<>();

    /**
     * @param settings the rungs
     */
    public SuccessiveHalving(Settings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "halving";
    }

    /**
     * @param epoch an epoch, from 1
     * @return whether it is a rung
     */
    boolean isRung(int epoch) {
        long rung = settings.minEpochs();
        while (rung < epoch) {
            rung *= settings.reductionFactor();
        }
        return rung == epoch;
    }

    @Override
    public synchronized boolean report(int trial, int epoch, double value) throws InterruptedException {
        double bestSoFar = Math.max(best.getOrDefault(trial, Double.NEGATIVE_INFINITY), value);
        best.put(trial, bestSoFar);
        if (!isRung(epoch)) {
            return false;
        }
        Map<Integer, Double> rung = rungs.computeIfAbsent(epoch, e -> new HashMap<>());
        rung.put(trial, bestSoFar);
        notifyAll();
        while (!lowerTrialsSettled(trial, rung)) {
            wait();
        }
        int cohort = 1;
        int better = 0;
        for (Map.Entry<Integer, Double> other : rung.entrySet()) {
            if (other.getKey() < trial) {
                cohort++;
                better += other.getValue() >= bestSoFar ? 1 : 0;
            }
        }
        return better + 1 > Math.max(1, cohort / settings.reductionFactor());
    }

    @Override
    public synchronized void ended(int trial) {
        ended.add(trial);
        notifyAll();
    }

    private boolean lowerTrialsSettled(int trial, Map<Integer, Double> rung) {
        for (int other = 1; other < trial; other++) {
            if (!rung.containsKey(other) && !ended.contains(other)) {
                return false;
            }
        }
        return true;
    }
}
