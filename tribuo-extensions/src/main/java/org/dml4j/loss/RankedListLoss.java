package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.Distance;
import org.dml4j.distance.LpDistance;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.reduce.LossTerms;
import org.dml4j.reduce.MeanReducer;
import org.dml4j.reduce.Reducer;

/**
 * The ranked list loss (Wang et al., "Ranked List Loss for Deep Metric Learning", CVPR 2019), PML's
 * {@code RankedListLoss}; the defaults ({@code Tp = 0}) are the paper's RLL-Simpler. Per anchor {@code i}, with
 * {@code c = alpha - margin}: the positives farther than {@code c} ({@code D_ij > c}) and the negatives nearer than
 * {@code alpha} ({@code D_ij < alpha}) are weighted by {@code w⁺ = e^{Tp (D_ij - c)}} and {@code w⁻ = e^{Tn (alpha -
 * D_ij)}}, and the term is {@code (1 - imbalance) Σ w⁺ (D_ij - c) / (Σ w⁺ + B·1e-5) + imbalance Σ w⁻ (alpha - D_ij) /
 * (Σ w⁻ + B·1e-5)}; the mean over all rows. The weights are not detached (their gradient counts, as in PML).
 * <p>
 * PML's quirks, kept: the {@code 1e-5} is added once per column of the batch ({@code B} times), not once, and a
 * pair at distance exactly 0 is never selected (PML's masks test {@code > 0}), so a negative duplicate of the anchor
 * adds nothing. PML has no default margin or {@code Tn}; {@link #PAPER_MARGIN} and {@link #PAPER_TN} are the
 * paper's. The distance must be a distance (smaller is more similar); the loss takes neither mined tuples nor a
 * reference set.
 */
public final class RankedListLoss extends WholeBatchLoss {

    /** The paper's margin (PML has no default). */
    public static final double PAPER_MARGIN = 0.4;
    /** The paper's negative temperature (PML has no default). */
    public static final double PAPER_TN = 10;
    /** PML's default balance between the positive and negative parts. */
    public static final double DEFAULT_IMBALANCE = 0.5;
    /** PML's default positive temperature (RLL-Simpler). */
    public static final double DEFAULT_TP = 0;

    @Config(mandatory = true, description = "The margin between the positive and negative boundaries.")
    private double margin;

    @Config(mandatory = true, description = "The temperature of the negatives' weights (PML's Tn).")
    private double tn;

    @Config(description = "The weight of the negative part, in [0, 1] (PML default " + DEFAULT_IMBALANCE + ").")
    private double imbalance = DEFAULT_IMBALANCE;

    @Config(description = "The negative boundary alpha; unset (NaN): 1 + margin / 2 (PML's default).")
    private double alpha = Double.NaN;

    @Config(description = "The temperature of the positives' weights (PML's Tp, default " + DEFAULT_TP + ").")
    private double tp = DEFAULT_TP;

    private RankedListLoss() {
        super(new LpDistance(), new MeanReducer());
    }

    /**
     * Creates the loss with PML's defaults for everything else (imbalance 0.5, alpha {@code 1 + margin/2}, Tp 0,
     * Euclidean distance of normalized embeddings, mean over rows).
     *
     * @param margin the margin
     * @param tn     the negative temperature
     */
    public RankedListLoss(double margin, double tn) {
        this(margin, tn, DEFAULT_IMBALANCE, Double.NaN, DEFAULT_TP, new LpDistance(), new MeanReducer());
    }

    /**
     * Creates the loss.
     *
     * @param margin    the margin
     * @param tn        the negative temperature
     * @param imbalance the weight of the negative part, in [0, 1]
     * @param alpha     the negative boundary, or NaN for {@code 1 + margin / 2}
     * @param tp        the positive temperature
     * @param distance  the distance (not a similarity)
     * @param reducer   the reducer over rows
     */
    public RankedListLoss(double margin, double tn, double imbalance, double alpha, double tp, Distance distance,
                          Reducer reducer) {
        super(distance, reducer);
        this.margin = margin;
        this.tn = tn;
        this.imbalance = imbalance;
        this.alpha = alpha;
        this.tp = tp;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (!Double.isFinite(margin) || !Double.isFinite(tn) || !Double.isFinite(tp)) {
            throw new PropertyException("", "margin", "margin, tn and tp must be finite, found " + margin + ", "
                    + tn + ", " + tp);
        }
        if (!(imbalance >= 0 && imbalance <= 1)) {
            throw new PropertyException("", "imbalance", "imbalance must be in [0, 1], found " + imbalance);
        }
        if (Double.isInfinite(alpha)) {
            throw new PropertyException("", "alpha", "alpha must be finite (or unset), found " + alpha);
        }
        if (distance.isInverted()) {
            throw new PropertyException("", "distance", "RankedListLoss needs a distance (smaller is more similar),"
                    + " found the similarity " + distance);
        }
    }

    /** @return the negative boundary: alpha, or {@code 1 + margin / 2} when unset */
    public double alpha() {
        return Double.isNaN(alpha) ? 1 + margin / 2 : alpha;
    }

    @Override
    protected double rank(PairwiseMatrix m, int[] labels, double[] gradient) {
        int n = m.rows();
        double negBound = alpha();
        double posBound = negBound - margin;
        double[] terms = new double[n];
        Part[] positives = new Part[n];
        Part[] negatives = new Part[n];
        for (int i = 0; i < n; i++) {
            positives[i] = new Part(n);
            negatives[i] = new Part(n);
            for (int j = 0; j < n; j++) {
                double d = m.get(i, j);
                if (labels[j] == labels[i] && j != i && d > posBound && d > 0) {
                    positives[i].add(j, d - posBound, tp);
                } else if (labels[j] != labels[i] && d < negBound && d > 0) {
                    negatives[i].add(j, negBound - d, tn);
                }
            }
            terms[i] = (1 - imbalance) * positives[i].value() + imbalance * negatives[i].value();
        }
        double[] weights = new double[n];
        double value = reduce(LossTerms.perElement(terms).withLabels(labels), weights);
        for (int i = 0; i < n; i++) {
            positives[i].backward(weights[i] * (1 - imbalance), tp, gradient, i * n);
            negatives[i].backward(-weights[i] * imbalance, tn, gradient, i * n);
        }
        return value;
    }

    /**
     * One anchor's selected positives or negatives: {@code Σ w v / (Σ w + B·1e-5)} with {@code w = e^{T v}} and
     * {@code v} the violation ({@code D - c} or {@code alpha - D}).
     */
    private static final class Part {
        private final int[] columns;
        private final double[] violations;
        private final double[] w;
        private final double denominatorFloor;
        private int size;
        private double numerator;
        private double denominator;

        Part(int batchSize) {
            columns = new int[batchSize];
            violations = new double[batchSize];
            w = new double[batchSize];
            denominatorFloor = batchSize * 1e-5;
        }

        void add(int column, double violation, double temperature) {
            columns[size] = column;
            violations[size] = violation;
            w[size] = Math.exp(temperature * violation);
            numerator += w[size] * violation;
            denominator += w[size];
            size++;
        }

        double value() {
            return numerator / (denominator + denominatorFloor);
        }

        /** Adds {@code scale · d value / d violation_j} at each column j of the row starting at {@code offset}. */
        void backward(double scale, double temperature, double[] gradient, int offset) {
            double den = denominator + denominatorFloor;
            for (int k = 0; k < size; k++) {
                double dw = temperature * w[k];
                double d = (w[k] + dw * violations[k]) / den - numerator * dw / (den * den);
                gradient[offset + columns[k]] += scale * d;
            }
        }
    }

    @Override
    public String toString() {
        return "RankedListLoss(margin=" + margin + ", tn=" + tn + ", imbalance=" + imbalance + ", alpha=" + alpha()
                + ", tp=" + tp + ", distance=" + distance + ", reducer=" + reducer + ")";
    }
}
