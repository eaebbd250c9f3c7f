package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.Distance;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.PairTuples;
import org.dml4j.reduce.LossTerms;
import org.dml4j.reduce.MeanReducer;
import org.dml4j.reduce.Reducer;

/**
 * The angular loss (Wang et al. 2017, "Deep Metric Learning with Angular Loss"), PML's {@code AngularLoss}: per
 * positive pair {@code (a, p)}, {@code log(1 + Σ_n exp(4 tan²α (x_a + x_p)·x_n - 2 (1 + tan²α) x_a·x_p))} over every
 * example n whose label differs from the anchor's (the negatives of mined tuples only decide whether there are any),
 * on L2-normalized embeddings; mean over positive pairs. The angle α is in degrees.
 * <p>
 * PML requires {@code LpDistance(p=2, power=1, normalize_embeddings=True)} but computes the formula on inner
 * products of normalized embeddings, i.e. on the cosine similarity, which is DML4J's distance here (both rank alike).
 * PML 2.8.1 normalizes the anchors and positives but not the negatives {@code x_n} (it multiplies by the raw
 * {@code ref_emb}); the paper normalizes all three, and so does DML4J. Unlike PML, no separate reference set.
 */
public final class AngularLoss extends TupleLoss {

    /** PML's default angle α in degrees. */
    public static final double DEFAULT_ALPHA_DEGREES = 40;

    @Config(description = "The angle alpha in degrees, in (0, 90) (PML default " + DEFAULT_ALPHA_DEGREES + ").")
    private double alphaDegrees = DEFAULT_ALPHA_DEGREES;

    /** Creates the loss with PML's default angle (40°). */
    public AngularLoss() {
        super(new CosineSimilarity(), new MeanReducer());
    }

    /**
     * Creates the loss.
     *
     * @param alphaDegrees the angle α in degrees, in (0, 90)
     * @param distance     a cosine similarity
     * @param reducer      the reducer over positive pairs
     */
    public AngularLoss(double alphaDegrees, Distance distance, Reducer reducer) {
        super(distance, reducer);
        this.alphaDegrees = alphaDegrees;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (!(alphaDegrees > 0 && alphaDegrees < 90)) {
            throw new PropertyException("", "alphaDegrees", "AngularLoss needs an angle alpha in (0, 90) degrees, "
                    + "found " + alphaDegrees);
        }
        requireCosine("AngularLoss", distance);
    }

    /** @return false: the formula needs the similarities among the references too */
    @Override
    public boolean acceptsReferences() {
        return false;
    }

    @Override
    protected double compute(PairwiseMatrix m, int[] labels, int[] referenceLabels, IndexTuples tuples,
                             double[] gradient) {
        PairTuples pairs = pairs(tuples, m, labels, referenceLabels);
        if (pairs.numPositive() == 0 || pairs.numNegative() == 0) {
            return 0;
        }
        int cols = m.cols();
        double tan = Math.tan(Math.toRadians(alphaDegrees));
        double sqTan = tan * tan;
        int count = pairs.numPositive();
        double[] terms = new double[count];
        double[][] softmaxes = new double[count][];
        int[][] negatives = new int[count][];
        for (int k = 0; k < count; k++) {
            int a = pairs.posAnchors()[k];
            int p = pairs.positives()[k];
            negatives[k] = differentLabel(labels[a], referenceLabels);
            double[] v = new double[negatives[k].length];
            for (int j = 0; j < v.length; j++) {
                int n = negatives[k][j];
                v[j] = 4 * sqTan * (m.get(a, n) + m.get(p, n)) - 2 * (1 + sqTan) * m.get(a, p);
            }
            softmaxes[k] = new double[v.length];
            terms[k] = LossMath.logSumExp(v, v.length, true, softmaxes[k]);
        }
        double[] weights = new double[count];
        double value = reduce(LossTerms.of(terms, pairs.posAnchors(), m.rows()).withLabels(labels), weights);
        for (int k = 0; k < count; k++) {
            int a = pairs.posAnchors()[k];
            int p = pairs.positives()[k];
            double total = 0;
            for (int j = 0; j < negatives[k].length; j++) {
                double g = weights[k] * softmaxes[k][j];
                gradient[a * cols + negatives[k][j]] += 4 * sqTan * g;
                gradient[p * cols + negatives[k][j]] += 4 * sqTan * g;
                total += g;
            }
            gradient[a * cols + p] -= 2 * (1 + sqTan) * total;
        }
        return value;
    }

    private static int[] differentLabel(int label, int[] referenceLabels) {
        int count = 0;
        for (int l : referenceLabels) {
            count += l != label ? 1 : 0;
        }
        int[] out = new int[count];
        count = 0;
        for (int j = 0; j < referenceLabels.length; j++) {
            if (referenceLabels[j] != label) {
                out[count++] = j;
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "AngularLoss(alphaDegrees=" + alphaDegrees + ", distance=" + distance + ", reducer=" + reducer + ")";
    }
}
