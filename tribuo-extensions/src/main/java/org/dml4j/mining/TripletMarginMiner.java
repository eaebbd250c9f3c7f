package org.dml4j.mining;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.Distance;
import org.dml4j.distance.PairwiseMatrix;

/**
 * Selects triplets {@code (a, p, n)} by how far the negative is beyond the positive, {@code mg = D_an - D_ap}
 * (for a similarity {@code S_ap - S_an}), as PML's {@code TripletMarginMiner}:
 * <ul>
 *     <li>{@link Type#ALL}: {@code mg <= margin} (every margin violator, not every triplet),</li>
 *     <li>{@link Type#HARD}: {@code mg <= margin} and {@code mg <= 0},</li>
 *     <li>{@link Type#SEMIHARD}: {@code 0 < mg <= margin} (Schroff et al. 2015),</li>
 *     <li>{@link Type#EASY}: {@code mg > margin}.</li>
 * </ul>
 * Triplets are enumerated without materializing a B³ tensor.
 */
public final class TripletMarginMiner extends AbstractMatrixMiner<TripletTuples> {

    /** Which triplets to keep. */
    public enum Type {
        /** Every triplet that violates the margin. */
        ALL,
        /** Triplets whose negative is at least as close as the positive. */
        HARD,
        /** Triplets whose negative is further than the positive but within the margin. */
        SEMIHARD,
        /** Triplets that satisfy the margin. */
        EASY
    }

    @Config(description = "The margin between positive and negative distances (PML default 0.2).")
    private double margin = 0.2;

    @Config(description = "Which triplets to keep: ALL, HARD, SEMIHARD or EASY.")
    private Type type = Type.ALL;

    private TripletMarginMiner() {
        // For OLCUT.
    }

    /**
     * Creates the miner.
     *
     * @param margin   the margin
     * @param type     which triplets to keep
     * @param distance the distance to compare with
     */
    public TripletMarginMiner(double margin, Type type, Distance distance) {
        this.margin = margin;
        this.type = type;
        this.distance = distance;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (margin < 0 || Double.isNaN(margin)) {
            throw new PropertyException("", "margin", "margin must be >= 0, found " + margin);
        }
    }

    @Override
    protected TripletTuples fromMatrix(PairwiseMatrix m, int[] labels) {
        return TripletTuples.where(labels, (a, p, n) -> keep(distance.margin(m.get(a, n), m.get(a, p))));
    }

    private boolean keep(double mg) {
        return switch (type) {
            case ALL -> mg <= margin;
            case HARD -> mg <= margin && mg <= 0;
            case SEMIHARD -> mg <= margin && mg > 0;
            case EASY -> mg > margin;
        };
    }

    @Override
    public String toString() {
        return "TripletMarginMiner(margin=" + margin + ", type=" + type + ", distance=" + distance + ")";
    }
}
