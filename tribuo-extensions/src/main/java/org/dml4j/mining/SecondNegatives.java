package org.dml4j.mining;

import org.dml4j.distance.PairwiseMatrix;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Completes triplets into quadruplets with the hardest second negative: for {@code (a, p, n)}, the sample {@code k}
 * closest to {@code n} (most similar, for a similarity) among those whose label differs from both {@code y_a} and
 * {@code y_n}. Each row's candidates are ranked once, so completing many triplets costs little more than ranking.
 */
final class SecondNegatives {

    private SecondNegatives() {
    }

    /**
     * Completes triplets; triplets without any valid second negative (fewer than three classes) are dropped.
     *
     * @param triplets the triplets
     * @param labels   the batch labels
     * @param matrix   the batch's pairwise matrix
     * @return the quadruplets
     */
    static QuadrupletTuples complete(TripletTuples triplets, int[] labels, PairwiseMatrix matrix) {
        int size = labels.length;
        Integer[][] ranked = new Integer[size][];
        IntList a = new IntList();
        IntList p = new IntList();
        IntList n = new IntList();
        IntList k = new IntList();
        for (int t = 0; t < triplets.size(); t++) {
            int anchor = triplets.anchors()[t];
            int negative = triplets.negatives()[t];
            if (ranked[negative] == null) {
                ranked[negative] = rank(negative, labels, matrix);
            }
            for (Integer candidate : ranked[negative]) {
                if (labels[candidate] != labels[anchor]) {
                    a.add(anchor);
                    p.add(triplets.positives()[t]);
                    n.add(negative);
                    k.add(candidate);
                    break;
                }
            }
        }
        return new QuadrupletTuples(a.toArray(), p.toArray(), n.toArray(), k.toArray());
    }

    /** The samples of another label than {@code row}'s, closest first, ties by index. */
    private static Integer[] rank(int row, int[] labels, PairwiseMatrix matrix) {
        Comparator<Integer> closest = Comparator.comparingDouble(j -> matrix.marginSign() * matrix.get(row, j));
        Integer[] candidates = IntStream.range(0, labels.length).filter(j -> labels[j] != labels[row]).boxed()
                .toArray(Integer[]::new);
        Arrays.sort(candidates, closest.thenComparingInt(j -> j));
        return candidates;
    }
}
