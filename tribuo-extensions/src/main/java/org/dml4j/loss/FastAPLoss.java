package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.Distance;
import org.dml4j.distance.LpDistance;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.mining.IndexTuples;
import org.dml4j.reduce.LossTerms;
import org.dml4j.reduce.MeanReducer;
import org.dml4j.reduce.Reducer;

/**
 * FastAP (Cakir et al., "Deep Metric Learning to Rank", CVPR 2019), PML's {@code FastAPLoss}: average precision
 * computed from distance histograms with triangular ("pulse") bin assignments. Per anchor {@code i} with positives,
 * over {@code L = numBins + 1} bin centres {@code c_l = l·Δ} ({@code Δ = 2^power / numBins}, the largest distance of
 * normalized embeddings), {@code h⁺_l = Σ_{j pos} relu(1 - |D_ij - c_l|/Δ)}, {@code h⁻_l} the same over negatives,
 * {@code H⁺, H} the cumulative sums of {@code h⁺} and {@code h⁺ + h⁻}, and the term is
 * {@code (1 - Σ_{l: h⁺_l H⁺_l > 0, H_l > 0} h⁺_l H⁺_l / H_l / |P_i|) · w_i} with {@code w_i} the miner weight
 * (PML's {@code convert_to_weights}, 1 without a miner); the mean over the anchors with positives. No anchor with a
 * positive gives 0.
 * <p>
 * The pulses have kinks at the bin centres; the gradient there is PyTorch's ({@code relu'(0) = 0}, {@code
 * sign(0) = 0}). As in PML the distance must be the Euclidean distance of normalized embeddings (power 1 or 2; the
 * default is its square).
 */
public final class FastAPLoss extends BatchOnlyLoss {

    /** PML's default number of bins. */
    public static final int DEFAULT_NUM_BINS = 10;

    @Config(description = "The number of histogram bins over [0, 2^power] (PML default " + DEFAULT_NUM_BINS + ").")
    private int numBins = DEFAULT_NUM_BINS;

    /** Creates the loss with PML's defaults (10 bins, squared Euclidean distance of normalized embeddings). */
    public FastAPLoss() {
        super(new LpDistance(true, 2), new MeanReducer());
    }

    /**
     * Creates the loss.
     *
     * @param numBins  the number of bins
     * @param distance the distance: a normalized {@link LpDistance}
     * @param reducer  the reducer over anchors
     */
    public FastAPLoss(int numBins, Distance distance, Reducer reducer) {
        super(distance, reducer);
        this.numBins = numBins;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (numBins < 1) {
            throw new PropertyException("", "numBins", "numBins must be at least 1, found " + numBins);
        }
        if (!(distance instanceof LpDistance) || !distance.normalizesEmbeddings()) {
            throw new PropertyException("", "distance", "FastAPLoss needs an LpDistance on normalized embeddings"
                    + " (as PML), found " + distance);
        }
    }

    @Override
    protected double compute(PairwiseMatrix m, int[] labels, int[] referenceLabels, IndexTuples tuples,
                             double[] gradient) {
        int size = m.rows();
        double[] minerWeights = MinerWeights.of(tuples, size);
        double delta = Math.pow(2, ((LpDistance) distance).power()) / numBins;
        Anchor[] anchors = new Anchor[size];
        int kept = 0;
        boolean anyBin = false;
        for (int i = 0; i < size; i++) {
            anchors[i] = new Anchor(m, labels, i, delta);
            if (anchors[i].numPositives > 0) {
                kept++;
                anyBin |= anchors[i].anyBin;
            }
        }
        if (!anyBin) {
            return 0;
        }
        double[] terms = new double[kept];
        int[] rows = new int[kept];
        int t = 0;
        for (int i = 0; i < size; i++) {
            if (anchors[i].numPositives > 0) {
                terms[t] = (1 - anchors[i].precision / anchors[i].numPositives) * minerWeights[i];
                rows[t++] = i;
            }
        }
        double[] weights = new double[kept];
        double value = reduce(LossTerms.of(terms, rows, size).withLabels(labels), weights);
        for (int k = 0; k < kept; k++) {
            int i = rows[k];
            anchors[i].backward(m, labels, i, delta, -weights[k] * minerWeights[i] / anchors[i].numPositives,
                    gradient);
        }
        return value;
    }

    /** One anchor's histograms, its sum of {@code h⁺ H⁺ / H} and that sum's derivative by bin. */
    private final class Anchor {
        final int numPositives;
        final double precision;
        final boolean anyBin;
        /** d precision / d h⁺_l and d precision / d h⁻_l. */
        final double[] dPositive;
        final double[] dNegative;

        Anchor(PairwiseMatrix m, int[] labels, int i, double delta) {
            int bins = numBins + 1;
            double[] pos = new double[bins];
            double[] neg = new double[bins];
            int positives = 0;
            for (int j = 0; j < m.cols(); j++) {
                if (j == i) {
                    continue;
                }
                boolean positive = labels[j] == labels[i];
                positives += positive ? 1 : 0;
                double d = m.get(i, j);
                for (int l = 0; l < bins; l++) {
                    double pulse = LossMath.relu(1 - Math.abs(d - l * delta) / delta);
                    (positive ? pos : neg)[l] += pulse;
                }
            }
            numPositives = positives;
            dPositive = new double[bins];
            dNegative = new double[bins];
            double cumPos = 0;
            double cumTotal = 0;
            double sum = 0;
            boolean any = false;
            double[] dCumPos = new double[bins];
            double[] dCumTotal = new double[bins];
            for (int l = 0; l < bins; l++) {
                cumPos += pos[l];
                cumTotal += pos[l] + neg[l];
                if (pos[l] * cumPos > 0 && cumTotal > 0) {
                    any = true;
                    sum += pos[l] * cumPos / cumTotal;
                    dPositive[l] = cumPos / cumTotal;
                    dCumPos[l] = pos[l] / cumTotal;
                    dCumTotal[l] = -pos[l] * cumPos / (cumTotal * cumTotal);
                }
            }
            // A cumulative sum's gradient is the suffix sum of the gradients of its entries.
            double suffixPos = 0;
            double suffixTotal = 0;
            for (int l = bins - 1; l >= 0; l--) {
                suffixPos += dCumPos[l];
                suffixTotal += dCumTotal[l];
                dPositive[l] += suffixPos + suffixTotal;
                dNegative[l] = suffixTotal;
            }
            precision = sum;
            anyBin = any && positives > 0;
        }

        /** Adds {@code scale · d precision / dD_ij} for every j to the gradient. */
        void backward(PairwiseMatrix m, int[] labels, int i, double delta, double scale, double[] gradient) {
            int cols = m.cols();
            for (int j = 0; j < cols; j++) {
                if (j == i) {
                    continue;
                }
                double[] dBin = labels[j] == labels[i] ? dPositive : dNegative;
                double d = m.get(i, j);
                double g = 0;
                for (int l = 0; l <= numBins; l++) {
                    double offset = d - l * delta;
                    if (1 - Math.abs(offset) / delta > 0) {
                        g -= dBin[l] * Math.signum(offset) / delta;
                    }
                }
                gradient[i * cols + j] += scale * g;
            }
        }
    }

    @Override
    public String toString() {
        return "FastAPLoss(numBins=" + numBins + ", distance=" + distance + ", reducer=" + reducer + ")";
    }
}
