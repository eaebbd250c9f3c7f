package org.dml4j.eval;

import org.dml4j.index.KnnDistance;
import org.dml4j.index.PairDistances;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Face-verification metrics of scored pairs: ROC AUC, equal error rate and TAR at fixed FARs.
 * <p>
 * A pair is genuine (same identity) or impostor. A threshold t accepts a pair when its distance is
 * {@code <= t} (or its similarity {@code >= t}); TAR is the fraction of genuine pairs accepted, FAR the
 * fraction of impostor pairs accepted. The candidate thresholds are the distinct pair scores, so tied pairs
 * are accepted together. Following {@link RocCurve}:
 * <ul>
 *   <li>{@code auc} is the Mann-Whitney statistic: the probability that a random genuine pair scores as a
 *   better match than a random impostor pair, ties counting one half.</li>
 *   <li>{@code tar_at_far_F} uses the most permissive threshold whose FAR is at most F (never above F, no
 *   interpolation); with fewer than 1/F impostor pairs only a threshold accepting no impostor qualifies.</li>
 *   <li>{@code eer} is where FAR equals FRR = 1 - TAR, linearly interpolated between the two thresholds
 *   around the crossing; {@code eer_threshold} is whichever of those two is nearer the crossing.</li>
 * </ul>
 */
public final class VerificationEvaluation {
    /** The FARs reported by default: 1e-3 and 1e-2. */
    private static final double[] DEFAULT_FARS = {1e-3, 1e-2};
    /** Key of the ROC AUC. */
    public static final String AUC = "auc";
    /** Key of the equal error rate. */
    public static final String EER = "eer";
    /** Key of the threshold at the equal error rate. */
    public static final String EER_THRESHOLD = "eer_threshold";

    private final RocCurve curve;
    private final ScoreOrientation orientation;

    private VerificationEvaluation(RocCurve curve, ScoreOrientation orientation) {
        this.curve = curve;
        this.orientation = orientation;
    }

    /**
     * Evaluates scored pairs.
     * @param scores One score per pair; no NaN.
     * @param genuine Whether each pair is genuine (same label); at least one genuine and one impostor pair.
     * @param orientation Whether the scores are distances or similarities.
     * @return The evaluation.
     */
    public static VerificationEvaluation of(double[] scores, boolean[] genuine, ScoreOrientation orientation) {
        if (orientation == null) {
            throw new IllegalArgumentException("orientation must not be null; pass DISTANCE or SIMILARITY");
        }
        if (scores == null) {
            throw new IllegalArgumentException("scores must not be null");
        }
        RocCurve curve = RocCurve.of(orientation.toHigherIsMatch(scores), genuine);
        if (curve.positives() == 0 || curve.negatives() == 0) {
            throw new IllegalArgumentException("verification needs genuine and impostor pairs, found "
                    + curve.positives() + " genuine and " + curve.negatives() + " impostor pairs");
        }
        return new VerificationEvaluation(curve, orientation);
    }

    /**
     * Scores verification pairs by the distance between their embeddings and evaluates them.
     * @param embeddings The rows the pairs index (n&times;d).
     * @param pairs The genuine and impostor pairs.
     * @param distance The distance ({@link KnnDistance#SQUARED_EUCLIDEAN} thresholds are squared distances).
     * @return The evaluation, thresholds in {@code distance} units.
     */
    public static VerificationEvaluation of(INDArray embeddings, VerificationPairs pairs, KnnDistance distance) {
        if (pairs == null) {
            throw new IllegalArgumentException("pairs must not be null; build them with VerificationPairs");
        }
        double[] scores = PairDistances.compute(embeddings, pairs.first(), pairs.second(), distance);
        return of(scores, pairs.genuine(), ScoreOrientation.DISTANCE);
    }

    /**
     * The ROC AUC (Mann-Whitney statistic).
     * @return AUC in [0, 1].
     */
    public double auc() {
        return curve.auc();
    }

    /**
     * The equal error rate.
     * @return EER in [0, 1].
     */
    public double eer() {
        return curve.equalErrorRate();
    }

    /**
     * The operating point nearest the equal error rate.
     * @return The point, threshold in the caller's score units and orientation.
     */
    public OperatingPoint eerPoint() {
        return curve.equalErrorPoint().in(orientation);
    }

    /**
     * The true accept rate at the most permissive threshold whose false accept rate is at most {@code far}.
     * @param far The target FAR in [0, 1].
     * @return The point (TAR = {@link OperatingPoint#truePositiveRate()}), threshold in the caller's units;
     *         an infinite threshold means no threshold meets the target.
     */
    public OperatingPoint atFar(double far) {
        return curve.atFalsePositiveRate(far).in(orientation);
    }

    /**
     * The number of genuine pairs.
     * @return The genuine count.
     */
    public long numGenuine() {
        return curve.positives();
    }

    /**
     * The number of impostor pairs.
     * @return The impostor count.
     */
    public long numImpostor() {
        return curve.negatives();
    }

    /**
     * The key of the TAR at a FAR, e.g. {@code tar_at_far_0.001} (a valid MLflow key).
     * @param far The FAR.
     * @return The key.
     */
    public static String tarAtFarKey(double far) {
        return "tar_at_far_" + BigDecimal.valueOf(far).stripTrailingZeros().toPlainString();
    }

    /**
     * The key of the threshold at a FAR, e.g. {@code threshold_at_far_0.001}.
     * @param far The FAR.
     * @return The key.
     */
    public static String thresholdAtFarKey(double far) {
        return "threshold_at_far_" + BigDecimal.valueOf(far).stripTrailingZeros().toPlainString();
    }

    /**
     * Every scalar: {@code auc}, {@code eer}, {@code eer_threshold}, then TAR and threshold at FAR 1e-3 and
     * 1e-2, then {@code num_genuine_pairs} and {@code num_impostor_pairs}.
     * @return Key to value, in that order.
     */
    public Map<String, Double> summary() {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put(AUC, auc());
        out.put(EER, eer());
        out.put(EER_THRESHOLD, eerPoint().threshold());
        for (double far : DEFAULT_FARS) {
            OperatingPoint point = atFar(far);
            out.put(tarAtFarKey(far), point.truePositiveRate());
            out.put(thresholdAtFarKey(far), point.threshold());
        }
        out.put("num_genuine_pairs", (double) numGenuine());
        out.put("num_impostor_pairs", (double) numImpostor());
        return Collections.unmodifiableMap(out);
    }

    /**
     * The {@link #summary()} on one line.
     * @return A readable description.
     */
    @Override
    public String toString() {
        return "VerificationEvaluation" + summary();
    }
}
