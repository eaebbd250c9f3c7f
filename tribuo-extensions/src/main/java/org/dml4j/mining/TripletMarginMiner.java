package org.dml4j.mining;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.Distance;
import org.dml4j.distance.PairwiseMatrix;

import java.util.Arrays;

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
public final class TripletMarginMiner extends RowWiseMatrixMiner<TripletTuples> {

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

    /** PML's default margin. */
    public static final double DEFAULT_MARGIN = 0.2;

    @Config(description = "The margin between positive and negative distances (PML default " + DEFAULT_MARGIN + ").")
    private double margin = DEFAULT_MARGIN;

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

    /**
     * Keeps the triplets whose {@code mg} lies in the type's interval {@code (low, high]}, anchor by anchor: the
     * anchor's negatives and their signed values are gathered once, then scanned for each of its positives, in the
     * order {@link TripletTuples#where} would give (anchor, positive, negative).
     */
    @Override
    protected TripletTuples fromMatrix(PairwiseMatrix m, int[] queryLabels, int[] referenceLabels) {
        double low = switch (type) {
            case ALL, HARD -> Double.NEGATIVE_INFINITY;
            case SEMIHARD -> 0;
            case EASY -> margin;
        };
        double high = switch (type) {
            case ALL, SEMIHARD -> margin;
            case HARD -> 0;
            case EASY -> Double.POSITIVE_INFINITY;
        };
        // mg = sign (v_an - v_ap): D_an - D_ap for a distance, S_ap - S_an for a similarity.
        double sign = m.marginSign();
        int size = queryLabels.length;
        int cols = referenceLabels.length;
        int[] negatives = new int[cols];
        double[] negativeValues = new double[cols];
        // B·N entries to start (at most 1M), grown as needed: a random batch of 256 keeps about 865k triplets.
        int[] kept = new int[(int) Math.max(16, Math.min((long) size * cols, 1 << 20))];
        int[] anchors = new int[kept.length];
        int[] positives = new int[kept.length];
        int count = 0;
        for (int i = 0; i < size; i++) {
            int numNegatives = 0;
            for (int k = 0; k < cols; k++) {
                if (referenceLabels[k] != queryLabels[i]) {
                    negatives[numNegatives] = k;
                    negativeValues[numNegatives++] = sign * m.get(i, k);
                }
            }
            for (int j = 0; j < cols; j++) {
                if (m.isSelf() && j == i || referenceLabels[j] != queryLabels[i]) {
                    continue;
                }
                if (count + numNegatives > kept.length) {
                    int capacity = Math.max(kept.length * 2, count + numNegatives);
                    kept = Arrays.copyOf(kept, capacity);
                    anchors = Arrays.copyOf(anchors, capacity);
                    positives = Arrays.copyOf(positives, capacity);
                }
                double positive = sign * m.get(i, j);
                int start = count;
                // Every candidate is written and the count advances only for those kept: no branch to mispredict
                // where about half the candidates are kept.
                for (int t = 0; t < numNegatives; t++) {
                    double mg = negativeValues[t] - positive;
                    kept[count] = negatives[t];
                    count += (mg > low & mg <= high) ? 1 : 0;
                }
                Arrays.fill(anchors, start, count, i);
                Arrays.fill(positives, start, count, j);
            }
        }
        return new TripletTuples(Arrays.copyOf(anchors, count), Arrays.copyOf(positives, count),
                Arrays.copyOf(kept, count));
    }

    @Override
    public String toString() {
        return "TripletMarginMiner(margin=" + margin + ", type=" + type + ", distance=" + distance + ")";
    }
}
