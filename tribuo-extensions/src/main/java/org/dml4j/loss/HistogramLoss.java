package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.Distance;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.TripletTuples;
import org.dml4j.reduce.MeanReducer;
import org.dml4j.reduce.Reducer;

/**
 * The histogram loss (Ustinova and Lempitsky, "Learning Deep Embeddings with Histogram Loss", NeurIPS 2016), PML's
 * {@code HistogramLoss}: the probability that a negative pair is more similar than a positive pair, estimated from
 * histograms of similarities. The similarities in {@code [-1, 1]} are spread over {@code numBins + 1} nodes
 * {@code t_r = -1 + rΔ} ({@code Δ = 2 / numBins}) by linear interpolation between the two nearest nodes; with
 * {@code p⁺, p⁻} the normalized histograms of the positive and negative pairs, the loss is
 * {@code Σ_r p⁻_r Σ_{k≤r} p⁺_k}, one value for the batch.
 * <p>
 * The pairs are PML's: the unordered pairs {@code {a, p}} and {@code {a, n}} of the triplets (all triplets, or the
 * mined ones; pairs become their triplets), each counted once. So without a miner a negative pair between two
 * examples that both lack a positive is left out. No triplet gives 0. The bin of a similarity is found in float32
 * ({@code floor((float(s) + 1) / float(Δ))}) as PML does even for float64 input; the interpolation weights are
 * computed in the input's precision. The gradient is the interpolation's (the bin held fixed).
 * <p>
 * PML raises an index error for a similarity of exactly 1 (duplicate embeddings); DML4J puts it on the last node,
 * the limit from below. The similarity must lie in [-1, 1]: cosine similarity, as PML's default.
 */
public final class HistogramLoss extends BatchOnlyLoss {

    /** PML's default number of bins ({@code delta = 2 / n_bins = 0.02}). */
    public static final int DEFAULT_NUM_BINS = 100;

    @Config(description = "The number of bins over [-1, 1] (PML's n_bins, default " + DEFAULT_NUM_BINS
            + "; PML's delta is 2 / numBins).")
    private int numBins = DEFAULT_NUM_BINS;

    /** Creates the loss with PML's defaults (100 bins, cosine similarity). */
    public HistogramLoss() {
        super(new CosineSimilarity(), new MeanReducer());
    }

    /**
     * Creates the loss.
     *
     * @param numBins  the number of bins
     * @param distance a similarity of normalized embeddings (values in [-1, 1])
     * @param reducer  the reducer, which sees the batch's value as one term
     */
    public HistogramLoss(int numBins, Distance distance, Reducer reducer) {
        super(distance, reducer);
        this.numBins = numBins;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (numBins < 1) {
            throw new PropertyException("", "numBins", "numBins must be at least 1, found " + numBins);
        }
        if (!distance.isInverted() || !distance.normalizesEmbeddings()) {
            throw new PropertyException("", "distance", "HistogramLoss bins similarities in [-1, 1]: it needs a"
                    + " similarity of normalized embeddings such as CosineSimilarity, found " + distance);
        }
    }

    @Override
    protected double compute(PairwiseMatrix m, int[] labels, int[] referenceLabels, IndexTuples tuples,
                             double[] gradient) {
        TripletTuples triplets = triplets(tuples, m, labels, referenceLabels);
        if (triplets.size() == 0) {
            return 0;
        }
        int n = m.cols();
        boolean[] positive = new boolean[n * n];
        boolean[] negative = new boolean[n * n];
        for (int t = 0; t < triplets.size(); t++) {
            int a = triplets.anchors()[t];
            positive[pairIndex(a, triplets.positives()[t], n)] = true;
            negative[pairIndex(a, triplets.negatives()[t], n)] = true;
        }
        Density pos = new Density(m, positive);
        Density neg = new Density(m, negative);
        double[] cdf = new double[numBins + 1];
        double value = 0;
        for (int r = 0; r <= numBins; r++) {
            cdf[r] = pos.hist[r] + (r > 0 ? cdf[r - 1] : 0);
            value += neg.hist[r] * cdf[r];
        }
        double[] reduced = reduceWhole(value, m.rows());
        double[] dPos = new double[numBins + 1];
        double suffix = 0;
        for (int r = numBins; r >= 0; r--) {
            suffix += neg.hist[r];
            dPos[r] = reduced[1] * suffix;
            cdf[r] *= reduced[1];
        }
        pos.backward(dPos, gradient);
        neg.backward(cdf, gradient);
        return reduced[0];
    }

    /** The row-major index of an unordered pair, smaller index first (PML sorts each pair). */
    private static int pairIndex(int i, int j, int n) {
        return Math.min(i, j) * n + Math.max(i, j);
    }

    /** The interpolated histogram of the pairs of a mask, and how each pair falls into it. */
    private final class Density {
        final double[] hist = new double[numBins + 1];
        private final int[] pairs;
        private final int[] bins;
        private final double delta = 2.0 / numBins;

        Density(PairwiseMatrix m, boolean[] mask) {
            int count = 0;
            for (boolean b : mask) {
                count += b ? 1 : 0;
            }
            pairs = new int[count];
            bins = new int[count];
            float deltaF = (float) delta;
            int k = 0;
            for (int index = 0; index < mask.length; index++) {
                if (!mask[index]) {
                    continue;
                }
                double s = m.get(index / m.cols(), index % m.cols());
                int r = (int) Math.floor(((float) s + 1f) / deltaF);
                r = Math.max(0, Math.min(numBins - 1, r));
                pairs[k] = index;
                bins[k++] = r;
                hist[r + 1] += (s + 1 - r * delta) / delta / count;
                hist[r] += ((r + 1) * delta - 1 - s) / delta / count;
            }
        }

        /** Adds {@code Σ_r dHist[r] · d hist[r] / d s} of every pair to the gradient. */
        void backward(double[] dHist, double[] gradient) {
            for (int k = 0; k < pairs.length; k++) {
                int r = bins[k];
                gradient[pairs[k]] += (dHist[r + 1] - dHist[r]) / (delta * pairs.length);
            }
        }
    }

    @Override
    public String toString() {
        return "HistogramLoss(numBins=" + numBins + ", distance=" + distance + ", reducer=" + reducer + ")";
    }
}
