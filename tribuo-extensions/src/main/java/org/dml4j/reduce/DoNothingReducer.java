package org.dml4j.reduce;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the unreduced terms for inspection (PML's {@code DoNothingReducer}, which makes a loss return its loss
 * dictionary instead of a value). A DML4J loss must return a value, so this reducer returns the sum of the terms
 * (each with weight 1, the gradient of that sum) and records every term list it is given, under its sub-loss name,
 * until {@link #take()} hands them over. Recording is synchronized; share one instance between threads only if the
 * interleaving of their terms does not matter.
 */
public final class DoNothingReducer extends AbstractReducer {

    private final List<LossTerms> recorded = new ArrayList<>();

    /** Creates the reducer. */
    public DoNothingReducer() {
    }

    @Override
    public double reduce(LossTerms terms, double[] weights) {
        synchronized (recorded) {
            recorded.add(new LossTerms(terms.values().clone(), terms.anchors().clone(), terms.numAnchors(),
                    terms.divisor(), terms.name(), terms.labels()));
        }
        return weightedSum(terms.values(), weights, v -> true, 1.0);
    }

    /**
     * The term lists recorded since the last call, in the order the loss reduced them (for a loss with sub-losses,
     * one list per sub-loss, e.g. {@code pos_loss} then {@code neg_loss}); the record is then cleared.
     *
     * @return the recorded terms
     */
    public List<LossTerms> take() {
        synchronized (recorded) {
            List<LossTerms> out = List.copyOf(recorded);
            recorded.clear();
            return out;
        }
    }
}
