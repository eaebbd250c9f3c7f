package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.Distance;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.reduce.LossTerms;
import org.dml4j.reduce.MeanReducer;
import org.dml4j.reduce.Reducer;

/**
 * Smooth-AP (Brown et al., "Smooth-AP: Smoothing the Path Towards Large-Scale Image Retrieval", ECCV 2020), the
 * {@code SmoothAPLoss} of PML's development tree (not part of PML 2.8.1). Each row {@code q} of the batch is a query
 * against the whole batch; with {@code S} the similarity matrix, {@code σ_t(x) = 1 / (1 + e^{-x/t})} and
 * {@code P_q} the rows with q's label — <em>q itself included</em>, as in the authors' code — the smoothed average
 * precision is
 * <pre>
 *   AP_q = 1/|P_q| Σ_{i ∈ P_q} (1 + Σ_{j ∈ P_q, j ≠ i} σ_t(S_qj - S_qi)) / (1 + Σ_{j ≠ i} σ_t(S_qj - S_qi))
 * </pre>
 * ({@code j} runs over the whole batch, q included), and the loss terms are {@code 1 - AP_q}, one per row, reduced by
 * the reducer (PML: the mean). With a distance instead of a similarity, {@code S} is its negation (as PML's tree).
 * <p>
 * Where PML's tree differs: it groups the positives by position, viewing the batch as blocks of C consecutive rows
 * (C = the number of distinct labels), which are the classes only when the batch is sorted by class and every class
 * has exactly C members (its own test uses such batches), and it rejects classes of unequal size. DML4J groups by
 * label: the same value for such batches, the formula's value for every other batch (golden cases
 * {@code smooth_ap*}, from an independent implementation of the formula, cross-checked against a transcription of the
 * tree's code where it applies). The loss takes neither mined tuples nor a reference set.
 */
public final class SmoothAPLoss extends WholeBatchLoss {

    /** The default temperature of the sigmoid (PML's tree and the paper). */
    public static final double DEFAULT_TEMPERATURE = 0.01;

    @Config(description = "The temperature of the sigmoid that smooths the ranks (default " + DEFAULT_TEMPERATURE
            + ").")
    private double temperature = DEFAULT_TEMPERATURE;

    /** Creates the loss with the defaults (temperature 0.01, cosine similarity, mean). */
    public SmoothAPLoss() {
        super(new CosineSimilarity(), new MeanReducer());
    }

    /**
     * Creates the loss.
     *
     * @param temperature the sigmoid's temperature
     * @param distance    the distance or similarity the ranks are taken on
     * @param reducer     the reducer of the per-query terms
     */
    public SmoothAPLoss(double temperature, Distance distance, Reducer reducer) {
        super(distance, reducer);
        this.temperature = temperature;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new PropertyException("", "temperature", "temperature must be finite and > 0, found "
                    + temperature);
        }
    }

    /** @return the sigmoid's temperature */
    public double temperature() {
        return temperature;
    }

    @Override
    protected double rank(PairwiseMatrix m, int[] labels, double[] gradient) {
        int n = m.rows();
        double sign = -m.marginSign();
        double[] terms = new double[n];
        for (int q = 0; q < n; q++) {
            terms[q] = 1 - averagePrecision(m, labels, q, sign, 0, null);
        }
        double[] weights = new double[n];
        double value = reduce(LossTerms.perElement(terms).withLabels(labels), weights);
        for (int q = 0; q < n; q++) {
            if (weights[q] != 0) {
                averagePrecision(m, labels, q, sign, -weights[q], gradient);
            }
        }
        return value;
    }

    /**
     * The smoothed average precision of query {@code q}; with a gradient array, adds {@code scale · dAP_q/dM} to it.
     */
    private double averagePrecision(PairwiseMatrix m, int[] labels, int q, double sign, double scale,
                                    double[] gradient) {
        int n = m.cols();
        int positives = 0;
        for (int i = 0; i < n; i++) {
            positives += labels[i] == labels[q] ? 1 : 0;
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            if (labels[i] != labels[q]) {
                continue;
            }
            double sqi = sign * m.get(q, i);
            double rankAll = 1;
            double rankPositive = 1;
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    double s = sigmoid((sign * m.get(q, j) - sqi) / temperature);
                    rankAll += s;
                    rankPositive += labels[j] == labels[q] ? s : 0;
                }
            }
            sum += rankPositive / rankAll;
            if (gradient != null) {
                // d(R⁺/R) = dR⁺/R - R⁺ dR/R²; every σ term moves S_qj up and S_qi down
                double dPositive = scale / positives / rankAll;
                double dAll = -scale / positives * rankPositive / (rankAll * rankAll);
                for (int j = 0; j < n; j++) {
                    if (j != i) {
                        double s = sigmoid((sign * m.get(q, j) - sqi) / temperature);
                        double g = (dAll + (labels[j] == labels[q] ? dPositive : 0)) * s * (1 - s) / temperature
                                * sign;
                        gradient[q * n + j] += g;
                        gradient[q * n + i] -= g;
                    }
                }
            }
        }
        return sum / positives;
    }

    private static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }

    @Override
    public String toString() {
        return "SmoothAPLoss(temperature=" + temperature + ", distance=" + distance + ", reducer=" + reducer + ")";
    }
}
