package org.dml4j.eval;

import java.util.Arrays;

/**
 * The exact ROC curve of scores where higher means "more likely positive", with one operating point per
 * distinct score.
 * <p>
 * Point 0 accepts nothing (threshold {@code +Infinity}); point i &gt; 0 accepts every score {@code >= t_i},
 * where {@code t_1 > t_2 > ...} are the distinct scores, so tied scores are always accepted or rejected
 * together and the last point accepts everything. Building the curve sorts the positive and the negative
 * scores separately: O(n log n) time, O(n) memory.
 * <p>
 * Definitions, all on these points without smoothing:
 * <ul>
 *   <li>{@link #auc()}: the trapezoidal area under the points, which equals the Mann-Whitney statistic
 *   {@code P(s+ > s-) + P(s+ = s-)/2} (ties count one half).</li>
 *   <li>{@link #atFalsePositiveRate(double)}: the most permissive point whose false-positive rate is at most
 *   the target (TAR at FAR; no interpolation, so the achieved FAR never exceeds the target).</li>
 *   <li>{@link #equalErrorRate()}: where FPR and FNR = 1 - TPR cross on the piecewise-linear curve through
 *   the points, found by linear interpolation on the segment where {@code FPR - FNR} changes sign.</li>
 * </ul>
 */
public final class RocCurve {
    private final double[] thresholds;
    private final long[] truePositives;
    private final long[] falsePositives;
    private final long positives;
    private final long negatives;

    private RocCurve(double[] thresholds, long[] truePositives, long[] falsePositives, long positives,
                     long negatives) {
        this.thresholds = thresholds;
        this.truePositives = truePositives;
        this.falsePositives = falsePositives;
        this.positives = positives;
        this.negatives = negatives;
    }

    /**
     * Builds the curve.
     * @param scores The scores, higher meaning more likely positive; no NaN.
     * @param positive Whether each score belongs to a positive (same length as {@code scores}).
     * @return The curve.
     */
    public static RocCurve of(double[] scores, boolean[] positive) {
        if (scores == null || positive == null || scores.length != positive.length) {
            throw new IllegalArgumentException("scores and positive must be non-null and of equal length, found "
                    + (scores == null ? "null" : scores.length) + " and "
                    + (positive == null ? "null" : positive.length));
        }
        int p = 0;
        for (int i = 0; i < scores.length; i++) {
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException("scores[" + i + "] is NaN; remove or replace it first");
            }
            p += positive[i] ? 1 : 0;
        }
        double[] pos = new double[p];
        double[] neg = new double[scores.length - p];
        int a = 0;
        int b = 0;
        for (int i = 0; i < scores.length; i++) {
            if (positive[i]) {
                pos[a++] = scores[i];
            } else {
                neg[b++] = scores[i];
            }
        }
        return fromSorted(sorted(pos), sorted(neg));
    }

    private static double[] sorted(double[] values) {
        Arrays.sort(values);
        return values;
    }

    /** Walks both ascending arrays from the top, one point per distinct score. */
    private static RocCurve fromSorted(double[] pos, double[] neg) {
        int capacity = pos.length + neg.length + 1;
        double[] thresholds = new double[capacity];
        long[] tp = new long[capacity];
        long[] fp = new long[capacity];
        thresholds[0] = Double.POSITIVE_INFINITY;
        int points = 1;
        int i = pos.length - 1;
        int j = neg.length - 1;
        while (i >= 0 || j >= 0) {
            double t = Math.max(i >= 0 ? pos[i] : Double.NEGATIVE_INFINITY,
                    j >= 0 ? neg[j] : Double.NEGATIVE_INFINITY);
            while (i >= 0 && pos[i] == t) {
                i--;
            }
            while (j >= 0 && neg[j] == t) {
                j--;
            }
            thresholds[points] = t;
            tp[points] = pos.length - 1 - i;
            fp[points] = neg.length - 1 - j;
            points++;
        }
        return new RocCurve(Arrays.copyOf(thresholds, points), Arrays.copyOf(tp, points),
                Arrays.copyOf(fp, points), pos.length, neg.length);
    }

    /**
     * The number of operating points (distinct scores plus the "accept nothing" point).
     * @return The point count.
     */
    public int numPoints() {
        return thresholds.length;
    }

    /**
     * The number of positives.
     * @return The positive count.
     */
    public long positives() {
        return positives;
    }

    /**
     * The number of negatives.
     * @return The negative count.
     */
    public long negatives() {
        return negatives;
    }

    /**
     * One operating point.
     * @param index In {@code [0, numPoints())}; larger indices accept more.
     * @return The point, threshold in the "higher is positive" scores.
     */
    public OperatingPoint point(int index) {
        long tp = truePositives[index];
        long fp = falsePositives[index];
        double precision = tp + fp == 0 ? Double.NaN : tp / (double) (tp + fp);
        return new OperatingPoint(thresholds[index], rate(tp, positives), rate(fp, negatives), precision);
    }

    private static double rate(long count, long total) {
        return total == 0 ? Double.NaN : count / (double) total;
    }

    private void requireBothClasses(String what) {
        if (positives == 0 || negatives == 0) {
            throw new IllegalStateException(what + " needs at least one positive and one negative, found "
                    + positives + " positives and " + negatives + " negatives");
        }
    }

    /**
     * The area under the curve, equal to the Mann-Whitney statistic with ties counted one half.
     * @return The AUC in [0, 1].
     */
    public double auc() {
        requireBothClasses("AUC");
        double sum = 0.0;
        for (int i = 1; i < thresholds.length; i++) {
            sum += (falsePositives[i] - falsePositives[i - 1])
                    * (double) (truePositives[i] + truePositives[i - 1]);
        }
        return sum / (2.0 * positives * negatives);
    }

    /**
     * The most permissive operating point whose false-positive rate does not exceed a target.
     * @param maxFalsePositiveRate The target FPR (FAR), in [0, 1].
     * @return The point; point 0 ("accept nothing", TPR 0) when even the strictest score exceeds the target.
     */
    public OperatingPoint atFalsePositiveRate(double maxFalsePositiveRate) {
        if (!(maxFalsePositiveRate >= 0.0 && maxFalsePositiveRate <= 1.0)) {
            throw new IllegalArgumentException("maxFalsePositiveRate must be in [0, 1], found "
                    + maxFalsePositiveRate);
        }
        requireBothClasses("A rate at a false-positive rate");
        int best = 0;
        // false positives never decrease along the curve; compare the rate exactly as point() reports it
        while (best + 1 < thresholds.length
                && falsePositives[best + 1] / (double) negatives <= maxFalsePositiveRate) {
            best++;
        }
        return point(best);
    }

    /**
     * The equal error rate: the value where the false-positive rate equals the false-negative rate on the
     * piecewise-linear curve through the operating points.
     * @return The EER in [0, 1].
     */
    public double equalErrorRate() {
        int i = equalErrorSegmentEnd();
        double fpr1 = falsePositives[i] / (double) negatives;
        double gap1 = gap(i);
        if (gap1 == 0.0) {
            return fpr1;
        }
        double fpr0 = falsePositives[i - 1] / (double) negatives;
        double gap0 = gap(i - 1);
        return fpr0 + gap0 / (gap0 - gap1) * (fpr1 - fpr0);
    }

    /**
     * The operating point nearest the equal-error crossing: of the two points around it, the one with the
     * smaller {@code |FPR - FNR|}, the stricter one on a tie.
     * @return The point, threshold in the "higher is positive" scores.
     */
    public OperatingPoint equalErrorPoint() {
        int i = equalErrorSegmentEnd();
        return point(Math.abs(gap(i - 1)) <= Math.abs(gap(i)) ? i - 1 : i);
    }

    private double gap(int index) {
        return falsePositives[index] / (double) negatives - (1.0 - truePositives[index] / (double) positives);
    }

    /** The first point with FPR &ge; FNR (FPR - FNR is -1 at point 0 and +1 at the last point). */
    private int equalErrorSegmentEnd() {
        requireBothClasses("The equal error rate");
        int i = 1;
        while (gap(i) < 0.0) {
            i++;
        }
        return i;
    }
}
