package org.dml4j.eval;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.StatUtils;
import org.apache.commons.math3.stat.inference.WilcoxonSignedRankTest;
import org.apache.commons.math3.stat.ranking.NaNStrategy;
import org.apache.commons.math3.stat.ranking.NaturalRanking;
import org.apache.commons.math3.stat.ranking.TiesStrategy;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A paired comparison of two evaluations' per-query values of one metric: the mean difference (B - A) with a seeded
 * percentile-bootstrap confidence interval, and a two-sided Wilcoxon signed-rank test. Pair two
 * {@link RetrievalEvaluation}s of the same queries with {@link #of(RetrievalEvaluation, RetrievalEvaluation, String,
 * int, double, long)}, or values already paired with {@link #of(double[], double[], int, double, long)}.
 *
 * <p>The interval resamples the paired differences with replacement ({@code resamples} times, from
 * {@code seed}) and takes the percentiles of their means at {@code (1 - confidence) / 2} and
 * {@code (1 + confidence) / 2}; Commons Math has no bootstrap.
 *
 * <p>Zero differences are dropped before the test (Wilcoxon's own convention; Commons Math would rank them with the
 * negative differences, which biases the test when, as with precision@1, most queries tie). On the {@code n}
 * non-zero differences: up to {@value #EXACT_LIMIT}, Commons Math's exact p-value (which assumes no tied ranks); up
 * to {@value #COMMONS_NORMAL_LIMIT}, its normal approximation (continuity-corrected, without tie correction, so
 * conservative when many differences tie); above, Commons Math 3.6.1 would compute {@code n(n+1)} in int arithmetic
 * and overflow, so the same normal approximation is computed here in doubles, with the tie correction.
 *
 * @param n           the paired queries
 * @param nonZero     the queries whose values differ
 * @param meanA       A's mean
 * @param meanB       B's mean
 * @param low         the interval's lower end of the mean difference
 * @param high        the interval's upper end
 * @param pValue      the Wilcoxon two-sided p-value (1 when no query differs)
 * @param method      {@code exact}, {@code normal} or {@code normal, tie-corrected}
 */
public record PairedComparison(int n, int nonZero, double meanA, double meanB, double low, double high,
                               double pValue, String method) {

    /** The largest number of non-zero differences Commons Math's exact p-value is used for. */
    public static final int EXACT_LIMIT = 30;
    /** The largest n for which Commons Math's normal approximation does not overflow ({@code n(n+1) < 2^31}). */
    public static final int COMMONS_NORMAL_LIMIT = 46340;

    /** @return the mean difference, B - A */
    public double meanDifference() {
        return meanB - meanA;
    }

    /**
     * Compares two evaluations of the same queries on one metric, pairing their values by query.
     *
     * @param a          evaluation A (the baseline)
     * @param b          evaluation B
     * @param metric     a name from {@link RetrievalEvaluation#metricNames()} of both
     * @param resamples  bootstrap resamples, at least 1
     * @param confidence the interval's confidence, in (0, 1), e.g. 0.95
     * @param seed       the bootstrap's seed
     * @return the comparison
     * @throws IllegalArgumentException when the evaluations' queries differ (other data, or other labels), or a
     *                                  setting is out of range
     */
    public static PairedComparison of(RetrievalEvaluation a, RetrievalEvaluation b, String metric, int resamples,
                                      double confidence, long seed) {
        if (!Arrays.equals(a.evaluatedQueryIndices(), b.evaluatedQueryIndices())
                || !Arrays.equals(a.evaluatedQueryLabels(), b.evaluatedQueryLabels())) {
            throw new IllegalArgumentException("the evaluations ranked different queries ("
                    + a.evaluatedQueryIndices().length + " and " + b.evaluatedQueryIndices().length
                    + " evaluated), so their per-query values do not pair; compare evaluations of the same examples");
        }
        return of(a.perQuery(metric), b.perQuery(metric), resamples, confidence, seed);
    }

    /**
     * Compares paired values.
     *
     * @param a          A's values
     * @param b          B's values, parallel to {@code a}
     * @param resamples  bootstrap resamples, at least 1
     * @param confidence the interval's confidence, in (0, 1), e.g. 0.95
     * @param seed       the bootstrap's seed
     * @return the comparison
     * @throws IllegalArgumentException when the arrays are empty or of different lengths, or a setting is out of
     *                                  range
     */
    public static PairedComparison of(double[] a, double[] b, int resamples, double confidence, long seed) {
        if (a.length == 0 || a.length != b.length) {
            throw new IllegalArgumentException("need the same, non-zero number of values in A and B, found "
                    + a.length + " and " + b.length);
        }
        if (resamples < 1 || !(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("resamples must be at least 1 and confidence in (0, 1), found "
                    + resamples + " and " + confidence);
        }
        int n = a.length;
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = b[i] - a[i];
        }
        double[] means = new double[resamples];
        SplittableRandom rng = new SplittableRandom(seed);
        for (int r = 0; r < resamples; r++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += d[rng.nextInt(n)];
            }
            means[r] = sum / n;
        }
        Arrays.sort(means);
        double tail = (1 - confidence) / 2;
        double low = means[(int) Math.floor(tail * (resamples - 1))];
        double high = means[(int) Math.ceil((1 - tail) * (resamples - 1))];
        int nonZero = (int) Arrays.stream(d).filter(x -> x != 0).count();
        String method = nonZero <= EXACT_LIMIT ? "exact" : nonZero <= COMMONS_NORMAL_LIMIT ? "normal"
                : "normal, tie-corrected";
        return new PairedComparison(n, nonZero, StatUtils.mean(a), StatUtils.mean(b), low, high,
                wilcoxon(a, b, nonZero), method);
    }

    private static double wilcoxon(double[] a, double[] b, int nonZero) {
        if (nonZero == 0) {
            return 1;
        }
        double[] x = new double[nonZero];
        double[] y = new double[nonZero];
        for (int i = 0, j = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                x[j] = a[i];
                y[j++] = b[i];
            }
        }
        if (nonZero <= COMMONS_NORMAL_LIMIT) {
            return new WilcoxonSignedRankTest().wilcoxonSignedRankTest(x, y, nonZero <= EXACT_LIMIT);
        }
        return tieCorrectedNormalP(x, y);
    }

    /** The normal approximation in doubles, with the tie correction and a continuity correction toward the mean. */
    private static double tieCorrectedNormalP(double[] x, double[] y) {
        int n = x.length;
        double[] absolute = new double[n];
        for (int i = 0; i < n; i++) {
            absolute[i] = Math.abs(y[i] - x[i]);
        }
        double[] ranks = new NaturalRanking(NaNStrategy.FIXED, TiesStrategy.AVERAGE).rank(absolute);
        double plus = 0;
        double squares = 0;
        for (int i = 0; i < n; i++) {
            plus += y[i] - x[i] > 0 ? ranks[i] : 0;
            squares += ranks[i] * ranks[i];
        }
        double total = (double) n * (n + 1) / 2;
        double w = Math.min(plus, total - plus);
        double z = (w - total / 2 + 0.5) / Math.sqrt(squares / 4);
        return Math.min(1, 2 * new NormalDistribution().cumulativeProbability(-Math.abs(z)));
    }
}
