package org.dml4j.reduce;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A reducer per sub-loss (PML's {@code MultipleReducers}): the terms of the sub-loss named
 * {@code subLosses[i]} ({@link LossTerms#name()}, PML's key such as {@code pos_loss} or {@code neg_loss}) are
 * reduced with {@code reducers[i]}, every other sub-loss with the default reducer (mean); the loss adds the
 * sub-losses' values, as PML sums them.
 */
public final class MultipleReducers extends AbstractReducer {

    @Config(mandatory = true, description = "The sub-loss names that get their own reducer (PML's dictionary keys).")
    private List<String> subLosses = new ArrayList<>();

    @Config(mandatory = true, description = "The reducer of each named sub-loss, in the order of subLosses.")
    private List<Reducer> reducers = new ArrayList<>();

    @Config(description = "The reducer of the sub-losses not named (PML default: mean).")
    private Reducer defaultReducer = new MeanReducer();

    private Map<String, Reducer> byName;

    private MultipleReducers() {
        // For OLCUT.
    }

    /**
     * Creates the reducer.
     *
     * @param reducers       the reducer of each named sub-loss
     * @param defaultReducer the reducer of the other sub-losses
     */
    public MultipleReducers(Map<String, Reducer> reducers, Reducer defaultReducer) {
        reducers.forEach((name, reducer) -> {
            this.subLosses.add(name);
            this.reducers.add(reducer);
        });
        this.defaultReducer = defaultReducer;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (subLosses.size() != reducers.size()) {
            throw new PropertyException("", "reducers", "reducers must give one reducer per name of subLosses, found "
                    + reducers.size() + " reducers for " + subLosses.size() + " names " + subLosses);
        }
        if (defaultReducer == null) {
            throw new PropertyException("", "defaultReducer", "defaultReducer must be set");
        }
        Map<String, Reducer> map = new HashMap<>();
        for (int i = 0; i < subLosses.size(); i++) {
            if (map.put(subLosses.get(i), reducers.get(i)) != null) {
                throw new PropertyException("", "subLosses", "sub-loss '" + subLosses.get(i) + "' is named twice");
            }
        }
        byName = map;
    }

    /**
     * The reducer a sub-loss gets.
     *
     * @param subLoss the sub-loss name
     * @return its reducer, or the default reducer
     */
    public Reducer reducerFor(String subLoss) {
        return byName.getOrDefault(subLoss, defaultReducer);
    }

    @Override
    public double reduce(LossTerms terms, double[] weights) {
        return reducerFor(terms.name()).reduce(terms, weights);
    }

    @Override
    public String toString() {
        return "MultipleReducers(" + byName + ", default=" + defaultReducer + ")";
    }
}
