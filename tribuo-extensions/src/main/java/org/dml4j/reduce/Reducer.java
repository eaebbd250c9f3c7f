package org.dml4j.reduce;

import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;

/**
 * Reduces loss terms to a single value. Every reducer here is piecewise linear in the terms, so it reports its
 * gradient as one weight per term: {@code value = Σ weights[k] · terms[k]} locally.
 */
public interface Reducer extends Configurable, Provenancable<ConfiguredObjectProvenance> {

    /**
     * Reduces the terms.
     *
     * @param terms   the terms
     * @param weights output: {@code weights[k] = d value / d terms.values()[k]}, length {@code terms.size()}
     * @return the reduced value (0 for no terms)
     */
    double reduce(LossTerms terms, double[] weights);

    /**
     * Reduces the terms, discarding the weights.
     *
     * @param terms the terms
     * @return the reduced value
     */
    default double reduce(LossTerms terms) {
        return reduce(terms, new double[terms.size()]);
    }
}
