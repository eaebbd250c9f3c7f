package org.dml4j.experiments.training;

import org.dml4j.experiments.io.UserError;
import org.dml4j.loss.MetricLoss;
import org.dml4j.loss.MultipleLosses;
import org.dml4j.loss.WeightedLoss;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The command line's weighted sum of losses, PML's {@code MultipleLosses}: {@code NAME+W*NAME...}, e.g.
 * {@code triplet+0.5*threshold-consistent-margin}; a term without {@code W*} has weight 1. Every term gets the
 * trainer's tuples (per-term miners are configured in an OLCUT file).
 */
final class LossSum {

    private LossSum() {
    }

    /**
     * Parses a sum.
     *
     * @param spec   the terms joined by '+'
     * @param byName builds one loss from its name
     * @return the sum
     * @throws UserError if a term is empty or its weight is not a finite number
     */
    static MultipleLosses parse(String spec, Function<String, MetricLoss> byName) {
        List<WeightedLoss> terms = new ArrayList<>();
        for (String term : spec.split("\\+", -1)) {
            String trimmed = term.strip();
            int star = trimmed.indexOf('*');
            String name = star < 0 ? trimmed : trimmed.substring(star + 1).strip();
            if (name.isEmpty()) {
                throw new UserError("--loss '" + spec + "' has an empty term; write a weighted sum as NAME+W*NAME, "
                        + "e.g. triplet+0.5*threshold-consistent-margin");
            }
            terms.add(new WeightedLoss(byName.apply(name), star < 0 ? WeightedLoss.DEFAULT_WEIGHT
                    : weight(trimmed.substring(0, star).strip(), spec), null));
        }
        return new MultipleLosses(terms);
    }

    private static double weight(String text, String spec) {
        try {
            double w = Double.parseDouble(text);
            if (Double.isFinite(w)) {
                return w;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UserError("--loss '" + spec + "': the weight '" + text + "' is not a finite number; write a "
                + "weighted sum as NAME+W*NAME, e.g. triplet+0.5*threshold-consistent-margin");
    }
}
