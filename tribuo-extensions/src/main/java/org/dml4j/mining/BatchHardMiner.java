package org.dml4j.mining;

import org.dml4j.distance.Distance;
import org.dml4j.distance.PairwiseMatrix;

/**
 * For every anchor with at least one positive and one negative, the hardest positive (furthest) and the hardest
 * negative (closest), one triplet per anchor (Hermans et al. 2017; PML's {@code BatchHardMiner}). Ties go to the
 * lowest index. Against a reference set every reference row is a candidate (a copy of the anchor too), as in PML.
 */
public final class BatchHardMiner extends RowWiseMatrixMiner<TripletTuples> {

    /** Creates the miner with Euclidean distance on normalized embeddings. */
    public BatchHardMiner() {
    }

    /**
     * Creates the miner.
     *
     * @param distance the distance to compare with
     */
    public BatchHardMiner(Distance distance) {
        this.distance = distance;
    }

    @Override
    protected TripletTuples fromMatrix(PairwiseMatrix m, int[] queryLabels, int[] referenceLabels) {
        IntList a = new IntList();
        IntList p = new IntList();
        IntList n = new IntList();
        for (int i = 0; i < queryLabels.length; i++) {
            int hardestPositive = -1;
            int hardestNegative = -1;
            for (int j = 0; j < referenceLabels.length; j++) {
                if (m.isSelf() && j == i) {
                    continue;
                }
                double v = m.get(i, j);
                if (referenceLabels[j] == queryLabels[i]) {
                    if (hardestPositive < 0 || distance.margin(v, m.get(i, hardestPositive)) > 0) {
                        hardestPositive = j;
                    }
                } else if (hardestNegative < 0 || distance.margin(v, m.get(i, hardestNegative)) < 0) {
                    hardestNegative = j;
                }
            }
            if (hardestPositive >= 0 && hardestNegative >= 0) {
                a.add(i);
                p.add(hardestPositive);
                n.add(hardestNegative);
            }
        }
        return new TripletTuples(a.toArray(), p.toArray(), n.toArray());
    }

    @Override
    public String toString() {
        return "BatchHardMiner(distance=" + distance + ")";
    }
}
