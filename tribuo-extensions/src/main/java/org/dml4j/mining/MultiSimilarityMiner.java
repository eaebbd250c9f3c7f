package org.dml4j.mining;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.Distance;
import org.dml4j.distance.PairwiseMatrix;

/**
 * The pair mining of Wang et al. 2019 (PML's {@code MultiSimilarityMiner}), for anchors with at least one positive
 * and one negative: a positive pair is kept if it is less similar than the anchor's most similar negative plus
 * {@code epsilon}, a negative pair if it is more similar than the anchor's least similar positive minus
 * {@code epsilon} (mirrored for a distance).
 */
public final class MultiSimilarityMiner extends RowWiseMatrixMiner<PairTuples> {

    /** PML's default slack epsilon. */
    public static final double DEFAULT_EPSILON = 0.1;

    @Config(description = "The slack epsilon of the mining rule (PML default " + DEFAULT_EPSILON + ").")
    private double epsilon = DEFAULT_EPSILON;

    /** Creates the miner with PML's defaults (epsilon {@value #DEFAULT_EPSILON}, cosine similarity). */
    public MultiSimilarityMiner() {
        this.distance = new CosineSimilarity();
    }

    /**
     * Creates the miner.
     *
     * @param epsilon  the slack of the mining rule
     * @param distance the distance to compare with
     */
    public MultiSimilarityMiner(double epsilon, Distance distance) {
        this.epsilon = epsilon;
        this.distance = distance;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (epsilon < 0 || Double.isNaN(epsilon)) {
            throw new PropertyException("", "epsilon", "epsilon must be >= 0, found " + epsilon);
        }
    }

    @Override
    protected PairTuples fromMatrix(PairwiseMatrix m, int[] queryLabels, int[] referenceLabels) {
        boolean inverted = distance.isInverted();
        int size = queryLabels.length;
        // Per anchor, its hardest positive and hardest negative value (NaN when it has none).
        double[] hardestPos = new double[size];
        double[] hardestNeg = new double[size];
        for (int i = 0; i < size; i++) {
            hardestPos[i] = Double.NaN;
            hardestNeg[i] = Double.NaN;
            for (int j = 0; j < referenceLabels.length; j++) {
                if (m.isSelf() && j == i) {
                    continue;
                }
                double v = m.get(i, j);
                if (referenceLabels[j] == queryLabels[i]) {
                    hardestPos[i] = harder(hardestPos[i], v, inverted);
                } else {
                    hardestNeg[i] = harder(hardestNeg[i], v, !inverted);
                }
            }
        }
        return PairTuples.where(queryLabels, referenceLabels, m.isSelf(),
                (a, p) -> !Double.isNaN(hardestNeg[a] + hardestPos[a]) && (inverted
                        ? m.get(a, p) - epsilon < hardestNeg[a] : m.get(a, p) + epsilon > hardestNeg[a]),
                (a, n) -> !Double.isNaN(hardestNeg[a] + hardestPos[a]) && (inverted
                        ? m.get(a, n) + epsilon > hardestPos[a] : m.get(a, n) - epsilon < hardestPos[a]));
    }

    /** The smaller of the two when {@code smaller}, else the larger; NaN stands for "none yet". */
    private static double harder(double current, double candidate, boolean smaller) {
        if (Double.isNaN(current)) {
            return candidate;
        }
        return smaller ? Math.min(current, candidate) : Math.max(current, candidate);
    }

    @Override
    public String toString() {
        return "MultiSimilarityMiner(epsilon=" + epsilon + ", distance=" + distance + ")";
    }
}
