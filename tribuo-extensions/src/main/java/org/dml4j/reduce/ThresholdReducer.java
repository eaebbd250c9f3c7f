package org.dml4j.reduce;

import java.util.Arrays;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;

/**
 * The mean of the terms strictly between {@code low} and {@code high}, 0 if there is none (PML's
 * {@code ThresholdReducer}): drops terms that are too easy (below {@code low}) or look like outliers (above
 * {@code high}).
 */
public final class ThresholdReducer extends AbstractReducer {

    @Config(description = "Terms at or below this value are dropped.")
    private double low = Double.NEGATIVE_INFINITY;

    @Config(description = "Terms at or above this value are dropped.")
    private double high = Double.POSITIVE_INFINITY;

    private ThresholdReducer() {
        // For OLCUT.
    }

    /**
     * Creates the reducer.
     *
     * @param low  terms at or below are dropped ({@code -Infinity} for no lower bound)
     * @param high terms at or above are dropped ({@code Infinity} for no upper bound)
     */
    public ThresholdReducer(double low, double high) {
        this.low = low;
        this.high = high;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (!(low < high)) {
            throw new PropertyException("", "low", "low must be below high, found low=" + low + ", high=" + high);
        }
    }

    @Override
    public double reduce(LossTerms terms, double[] weights) {
        int kept = 0;
        for (double v : terms.values()) {
            if (v > low && v < high) {
                kept++;
            }
        }
        if (kept == 0) {
            Arrays.fill(weights, 0);
            return 0;
        }
        return weightedSum(terms.values(), weights, v -> v > low && v < high, 1.0 / kept);
    }
}
