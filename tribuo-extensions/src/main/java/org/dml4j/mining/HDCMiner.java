package org.dml4j.mining;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.Distance;
import org.dml4j.distance.PairwiseMatrix;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The hardest fraction of the pairs (PML's {@code HDCMiner}, from Hard-Aware Deeply Cascaded Embeddings, Yuan et
 * al. 2017): of all positive pairs the {@code ceil(filterPercentage · P)} least similar, of all negative pairs the
 * {@code ceil(filterPercentage · N)} most similar, each list ordered from the hardest (ties by pair order).
 */
public final class HDCMiner extends AbstractMatrixMiner<PairTuples> {

    /** PML's default fraction of pairs kept. */
    public static final double DEFAULT_FILTER_PERCENTAGE = 0.5;

    @Config(description = "The fraction of positive and of negative pairs kept, in (0, 1] (PML default "
            + DEFAULT_FILTER_PERCENTAGE + ").")
    private double filterPercentage = DEFAULT_FILTER_PERCENTAGE;

    /** Creates the miner with PML's defaults (half the pairs, Euclidean distance on normalized embeddings). */
    public HDCMiner() {
    }

    /**
     * Creates the miner.
     *
     * @param filterPercentage the fraction of pairs kept, in (0, 1]
     * @param distance         the distance to compare with
     */
    public HDCMiner(double filterPercentage, Distance distance) {
        this.filterPercentage = filterPercentage;
        this.distance = distance;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (!(filterPercentage > 0 && filterPercentage <= 1)) {
            throw new PropertyException("", "filterPercentage", "filterPercentage must be in (0, 1], found "
                    + filterPercentage);
        }
    }

    @Override
    protected PairTuples fromMatrix(PairwiseMatrix m, int[] queryLabels, int[] referenceLabels) {
        PairTuples all = PairTuples.where(queryLabels, referenceLabels, m.isSelf(), (a, p) -> true, (a, n) -> true);
        // Positives: the largest distances (smallest similarities) are the hardest; negatives the other way round.
        int[] pos = hardest(m, all.posAnchors(), all.positives(), !distance.isInverted());
        int[] neg = hardest(m, all.negAnchors(), all.negatives(), distance.isInverted());
        return all.select(pos, neg);
    }

    /** The positions of the {@code ceil(filterPercentage · n)} pairs with the largest (or smallest) values. */
    private int[] hardest(PairwiseMatrix m, int[] anchors, int[] others, boolean largest) {
        int n = anchors.length;
        double[] values = new double[n];
        Integer[] order = new Integer[n];
        for (int k = 0; k < n; k++) {
            values[k] = m.get(anchors[k], others[k]);
            order[k] = k;
        }
        Comparator<Integer> byValue = Comparator.comparingDouble(k -> values[k]);
        Arrays.sort(order, largest ? byValue.reversed() : byValue);
        int keep = (int) Math.ceil(filterPercentage * n);
        int[] kept = new int[keep];
        for (int k = 0; k < keep; k++) {
            kept[k] = order[k];
        }
        return kept;
    }

    @Override
    public String toString() {
        return "HDCMiner(filterPercentage=" + filterPercentage + ", distance=" + distance + ")";
    }
}
