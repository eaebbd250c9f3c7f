package org.dml4j.reduce;

import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;

import java.util.function.DoublePredicate;

/** Provenance shared by the reducers, and the weighted sum they all end with. */
abstract class AbstractReducer implements Reducer {

    /**
     * Fills {@code weights} with {@code weight} where {@code keep} holds and 0 elsewhere, and returns the weighted
     * sum of the values.
     */
    static double weightedSum(double[] values, double[] weights, DoublePredicate keep,
                              double weight) {
        double sum = 0;
        for (int k = 0; k < values.length; k++) {
            weights[k] = keep.test(values[k]) ? weight : 0;
            sum += weights[k] * values[k];
        }
        return sum;
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "Reducer");
    }

    @Override
    public String toString() {
        return getClass().getSimpleName();
    }
}
