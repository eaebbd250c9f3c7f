package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.Distance;
import org.dml4j.distance.LpDistance;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.TripletTuples;
import org.dml4j.reduce.MeanReducer;
import org.dml4j.reduce.Reducer;

import java.util.Arrays;

/**
 * The CDF-based dynamic soft margin loss (Zhang and Rusinkiewicz, "Learning Local Descriptors with a CDF-Based
 * Dynamic Soft Margin", ICCV 2019), PML's {@code DynamicSoftMarginLoss} with class labels. Over the triplets (all, or
 * the mined ones) {@code x_t = D_ap - D_an}; a running histogram of {@code x} over {@code numBins} nodes
 * {@code minVal + rΔ} ({@code Δ = 2|minVal| / numBins}) is updated with the batch by linear interpolation,
 * {@code h ← normalize((1 - m) h + m · interp(x))} ({@code m = momentum}, or 1 while the histogram is empty), and the
 * loss is {@code mean_t CDF(x_t) · x_t} with {@code CDF} the cumulative histogram at the bin of {@code x_t}; one
 * value for the batch, 0 without triplets (the histogram is then left as it was). The gradient flows through the
 * current batch's share of the histogram, as PML's autograd.
 * <p>
 * The loss holds state, the histogram, across batches ({@link #forTraining} starts a run with an empty one; it is
 * not part of a checkpoint). Two PML 2.8.1 bugs are fixed rather than matched: PML keeps the previous batch's autograd
 * graph in its histogram, so every training step after the first raises "Trying to backward through the graph a
 * second time" (here the histogram of earlier batches is a constant); and PML raises an index error for
 * {@code x ≥ minVal + (numBins - 1)Δ} (1.6 with the defaults) or {@code x < minVal}, where DML4J puts the value on the
 * last or first node (no gradient through the histogram there). On the first batch, inside that range, it is PML's
 * loss exactly. As in PML the distance must be an {@link LpDistance} of normalized embeddings.
 */
public final class DynamicSoftMarginLoss extends TupleLoss {

    /** PML's default lower end of the histogram. */
    public static final double DEFAULT_MIN_VAL = -2.0;
    /** PML's default number of bins. */
    public static final int DEFAULT_NUM_BINS = 10;
    /** PML's default weight of a batch in the running histogram. */
    public static final double DEFAULT_MOMENTUM = 0.01;

    @Config(description = "The lower end of the histogram of D_ap - D_an; it spans [minVal, -minVal] (PML default "
            + DEFAULT_MIN_VAL + ").")
    private double minVal = DEFAULT_MIN_VAL;

    @Config(description = "The number of histogram bins (PML default " + DEFAULT_NUM_BINS + ").")
    private int numBins = DEFAULT_NUM_BINS;

    @Config(description = "The weight of each batch in the running histogram (PML default " + DEFAULT_MOMENTUM
            + ").")
    private double momentum = DEFAULT_MOMENTUM;

    private double[] histogram;

    /** Creates the loss with PML's defaults (-2, 10 bins, momentum 0.01, Euclidean distance of normalized rows). */
    public DynamicSoftMarginLoss() {
        super(new LpDistance(), new MeanReducer());
        postConfig();
    }

    /**
     * Creates the loss.
     *
     * @param minVal   the lower end of the histogram (negative)
     * @param numBins  the number of bins (at least 2)
     * @param momentum the weight of a batch in the running histogram, in (0, 1]
     * @param distance a normalized {@link LpDistance}
     * @param reducer  the reducer, which sees the batch's value as one term
     */
    public DynamicSoftMarginLoss(double minVal, int numBins, double momentum, Distance distance, Reducer reducer) {
        super(distance, reducer);
        this.minVal = minVal;
        this.numBins = numBins;
        this.momentum = momentum;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (!(minVal < 0) || Double.isInfinite(minVal)) {
            throw new PropertyException("", "minVal", "minVal must be negative and finite, found " + minVal);
        }
        if (numBins < 2) {
            throw new PropertyException("", "numBins", "numBins must be at least 2, found " + numBins);
        }
        if (!(momentum > 0 && momentum <= 1)) {
            throw new PropertyException("", "momentum", "momentum must be in (0, 1], found " + momentum);
        }
        if (!(distance instanceof LpDistance) || !distance.normalizesEmbeddings()) {
            throw new PropertyException("", "distance", "DynamicSoftMarginLoss needs an LpDistance on normalized"
                    + " embeddings (as PML), found " + distance);
        }
        histogram = new double[numBins];
    }

    /** @return a copy of the running histogram (normalized; all zeros before the first batch) */
    public double[] histogram() {
        return histogram.clone();
    }

    /**
     * This loss with an empty histogram of its own, so that runs do not share it.
     *
     * @param seed unused (the loss has no parameters)
     * @return a fresh loss with the same settings
     */
    @Override
    public MetricLoss forTraining(long seed) {
        return new DynamicSoftMarginLoss(minVal, numBins, momentum, distance, reducer);
    }

    @Override
    protected double compute(PairwiseMatrix m, int[] labels, int[] referenceLabels, IndexTuples tuples,
                             double[] gradient) {
        TripletTuples triplets = triplets(tuples, m, labels, referenceLabels);
        int count = triplets.size();
        if (count == 0) {
            return 0;
        }
        double delta = 2 * Math.abs(minVal) / numBins;
        double[] x = new double[count];
        double[] position = new double[count];
        int[] node = new int[count];
        for (int t = 0; t < count; t++) {
            int a = triplets.anchors()[t];
            x[t] = m.get(a, triplets.positives()[t]) - m.get(a, triplets.negatives()[t]);
            position[t] = (x[t] - minVal) / delta;
            node[t] = (int) Math.min(numBins - 2, Math.max(0, Math.floor(position[t])));
        }
        double rate = Arrays.stream(histogram).sum() != 0 ? momentum : 1;
        double[] raw = new double[numBins];
        for (int r = 0; r < numBins; r++) {
            raw[r] = (1 - rate) * histogram[r];
        }
        for (int t = 0; t < count; t++) {
            double fraction = Math.min(1, Math.max(0, position[t] - node[t]));
            raw[node[t]] += rate * (1 - fraction);
            raw[node[t] + 1] += rate * fraction;
        }
        double total = Arrays.stream(raw).sum();
        double[] cdf = new double[numBins];
        for (int r = 0; r < numBins; r++) {
            histogram[r] = raw[r] / total;
            cdf[r] = histogram[r] + (r > 0 ? cdf[r - 1] : 0);
        }
        double sum = 0;
        int[] weightBin = new int[count];
        for (int t = 0; t < count; t++) {
            weightBin[t] = (int) Math.min(numBins - 1, Math.max(0, Math.floor(position[t])));
            sum += cdf[weightBin[t]] * x[t];
        }
        double[] reduced = AlreadyReduced.reduce(reducer, sum / count, m.rows());
        double scale = reduced[1] / count;
        // d loss / d histogram[r] = scale · Σ_{t: weightBin_t ≥ r} x_t (a suffix sum over bins)
        double[] byBin = new double[numBins];
        for (int t = 0; t < count; t++) {
            byBin[weightBin[t]] += x[t];
        }
        double[] dHistogram = new double[numBins];
        double suffix = 0;
        for (int r = numBins - 1; r >= 0; r--) {
            suffix += byBin[r];
            dHistogram[r] = scale * suffix;
        }
        for (int t = 0; t < count; t++) {
            double g = scale * cdf[weightBin[t]];
            if (position[t] >= 0 && position[t] < numBins - 1) {
                // inside PML's range the interpolation weight moves mass from node to node + 1 (PyTorch's frac
                // passes the gradient at whole positions too); the normalizer does not change
                g += rate / (total * delta) * (dHistogram[node[t] + 1] - dHistogram[node[t]]);
            }
            int a = triplets.anchors()[t];
            gradient[a * m.cols() + triplets.positives()[t]] += g;
            gradient[a * m.cols() + triplets.negatives()[t]] -= g;
        }
        return reduced[0];
    }

    @Override
    public String toString() {
        return "DynamicSoftMarginLoss(minVal=" + minVal + ", numBins=" + numBins + ", momentum=" + momentum
                + ", distance=" + distance + ", reducer=" + reducer + ")";
    }
}
