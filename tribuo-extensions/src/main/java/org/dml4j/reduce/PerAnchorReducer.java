package org.dml4j.reduce;

import com.oracle.labs.mlrg.olcut.config.Config;

/**
 * Averages the terms of each anchor first (anchors without terms get 0), then reduces the per-anchor values with
 * an inner reducer (mean by default), as PML's {@code PerAnchorReducer}: every anchor weighs the same whatever its
 * number of pairs or triplets.
 */
public final class PerAnchorReducer extends AbstractReducer {

    @Config(description = "The reducer applied to the per-anchor means.")
    private Reducer inner = new MeanReducer();

    /** Creates the reducer with a mean over anchors. */
    public PerAnchorReducer() {
    }

    /**
     * Creates the reducer.
     *
     * @param inner the reducer applied to the per-anchor means
     */
    public PerAnchorReducer(Reducer inner) {
        this.inner = inner;
    }

    @Override
    public double reduce(LossTerms terms, double[] weights) {
        int n = terms.numAnchors();
        double[] sums = new double[n];
        int[] counts = new int[n];
        for (int k = 0; k < terms.size(); k++) {
            sums[terms.anchors()[k]] += terms.values()[k];
            counts[terms.anchors()[k]]++;
        }
        double[] means = new double[n];
        for (int a = 0; a < n; a++) {
            means[a] = counts[a] == 0 ? 0 : sums[a] / counts[a];
        }
        double[] anchorWeights = new double[n];
        double value = inner.reduce(LossTerms.perElement(means), anchorWeights);
        for (int k = 0; k < terms.size(); k++) {
            int a = terms.anchors()[k];
            weights[k] = anchorWeights[a] / counts[a];
        }
        return value;
    }
}
