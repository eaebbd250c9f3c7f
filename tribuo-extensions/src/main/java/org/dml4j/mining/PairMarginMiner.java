package org.dml4j.mining;

import com.oracle.labs.mlrg.olcut.config.Config;
import org.dml4j.distance.Distance;
import org.dml4j.distance.PairwiseMatrix;

/**
 * Pairs that violate their margin (PML's {@code PairMarginMiner}): positive pairs further than {@code posMargin}
 * and negative pairs closer than {@code negMargin} (for a similarity: positives below {@code posMargin}, negatives
 * above {@code negMargin}).
 */
public final class PairMarginMiner extends RowWiseMatrixMiner<PairTuples> {

    /** PML's default positive margin. */
    public static final double DEFAULT_POS_MARGIN = 0.2;

    @Config(description = "Positive pairs beyond this margin are kept (PML default " + DEFAULT_POS_MARGIN + ").")
    private double posMargin = DEFAULT_POS_MARGIN;

    /** PML's default negative margin. */
    public static final double DEFAULT_NEG_MARGIN = 0.8;

    @Config(description = "Negative pairs within this margin are kept (PML default " + DEFAULT_NEG_MARGIN + ").")
    private double negMargin = DEFAULT_NEG_MARGIN;

    /**
     * Creates the miner with PML's defaults ({@value #DEFAULT_POS_MARGIN}, {@value #DEFAULT_NEG_MARGIN}, Euclidean
     * distance on normalized embeddings).
     */
    public PairMarginMiner() {
    }

    /**
     * Creates the miner.
     *
     * @param posMargin positive pairs beyond it are kept
     * @param negMargin negative pairs within it are kept
     * @param distance  the distance to compare with
     */
    public PairMarginMiner(double posMargin, double negMargin, Distance distance) {
        this.posMargin = posMargin;
        this.negMargin = negMargin;
        this.distance = distance;
    }

    @Override
    protected PairTuples fromMatrix(PairwiseMatrix m, int[] queryLabels, int[] referenceLabels) {
        return PairTuples.where(queryLabels, referenceLabels, m.isSelf(), (a, p) -> distance.margin(m.get(a, p), posMargin) > 0,
                (a, n) -> distance.margin(negMargin, m.get(a, n)) > 0);
    }

    @Override
    public String toString() {
        return "PairMarginMiner(posMargin=" + posMargin + ", negMargin=" + negMargin + ", distance=" + distance + ")";
    }
}
