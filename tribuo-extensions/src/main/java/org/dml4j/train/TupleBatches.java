package org.dml4j.train;

import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.PairTuples;
import org.dml4j.mining.QuadrupletTuples;
import org.dml4j.mining.TripletTuples;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Batches of annotated tuples (tuple supervision): each epoch shuffles the tuples and cuts them into groups of
 * {@code batchSize} tuples, covering every tuple once. A batch holds the distinct rows of its group, in order of
 * first appearance, so each example is embedded once per batch however many tuples share it, and the group's tuples
 * re-indexed into those rows.
 * <p>
 * Labels: the loss and miner see the connected components of the "similar" relation (similar pairs; anchor and
 * positive of triplets and quadruplets) as classes, so tuples and labels agree for every loss, including those that
 * convert or complete tuples from labels (e.g. the quadruplet loss given triplets). Giving every row its own label
 * would contradict every similar pair. Annotations that call two rows dissimilar although similar pairs connect them
 * fit no labelling and are rejected.
 */
final class TupleBatches implements BatchSource {

    private final int[][] members;
    private final boolean[] similar;
    private final int width;
    private final int[] labels;
    private final int batchSize;

    /**
     * @param annotated the tuples, as dataset rows
     * @param trainRow  the training row of each dataset row, -1 for held-out rows (their tuples are dropped)
     * @param batchSize the number of tuples per batch
     * @throws IllegalArgumentException if no tuple lies wholly in the training rows or the annotations contradict
     *                                  themselves
     */
    TupleBatches(IndexTuples annotated, int[] trainRow, int batchSize) {
        this.batchSize = batchSize;
        int[][] all = rowsOf(annotated);
        this.width = annotated instanceof PairTuples ? 2 : annotated instanceof TripletTuples ? 3 : 4;
        List<int[]> kept = new ArrayList<>();
        List<Boolean> keptSimilar = new ArrayList<>();
        int numPositive = annotated instanceof PairTuples p ? p.numPositive() : all.length;
        for (int t = 0; t < all.length; t++) {
            int[] mapped = new int[width];
            boolean inTraining = true;
            for (int k = 0; k < width; k++) {
                mapped[k] = trainRow[all[t][k]];
                inTraining &= mapped[k] >= 0;
            }
            if (inTraining) {
                kept.add(mapped);
                keptSimilar.add(t < numPositive);
            }
        }
        if (kept.isEmpty()) {
            throw new IllegalArgumentException("none of the " + all.length + " annotated tuples lies wholly in the "
                    + "training data (tuples touching validation rows are dropped); lower validationFraction");
        }
        this.members = kept.toArray(new int[0][]);
        this.similar = new boolean[members.length];
        for (int t = 0; t < similar.length; t++) {
            similar[t] = keptSimilar.get(t);
        }
        int numRows = 0;
        for (int r : trainRow) {
            numRows = Math.max(numRows, r + 1);
        }
        this.labels = components(numRows);
    }

    /** The tuples as rows of {@code width} dataset rows, anchor first; pairs: positive pairs first. */
    private static int[][] rowsOf(IndexTuples tuples) {
        if (tuples instanceof PairTuples p) {
            int[][] out = new int[p.size()][];
            for (int k = 0; k < p.numPositive(); k++) {
                out[k] = new int[]{p.posAnchors()[k], p.positives()[k]};
            }
            for (int k = 0; k < p.numNegative(); k++) {
                out[p.numPositive() + k] = new int[]{p.negAnchors()[k], p.negatives()[k]};
            }
            return out;
        }
        if (tuples instanceof TripletTuples t) {
            int[][] out = new int[t.size()][];
            for (int k = 0; k < out.length; k++) {
                out[k] = new int[]{t.anchors()[k], t.positives()[k], t.negatives()[k]};
            }
            return out;
        }
        QuadrupletTuples q = (QuadrupletTuples) tuples;
        int[][] out = new int[q.size()][];
        for (int k = 0; k < out.length; k++) {
            out[k] = new int[]{q.anchors()[k], q.positives()[k], q.negatives()[k], q.secondNegatives()[k]};
        }
        return out;
    }

    /** Class ids 0.. of the components of the similar relation; rows in no similar relation are singletons. */
    private int[] components(int numRows) {
        int[] parent = new int[numRows];
        for (int i = 0; i < numRows; i++) {
            parent[i] = i;
        }
        for (int t = 0; t < members.length; t++) {
            if (width > 2 || similar[t]) {
                parent[find(parent, members[t][0])] = find(parent, members[t][1]);
            }
        }
        for (int t = 0; t < members.length; t++) {
            int[] m = members[t];
            if (width == 2 && !similar[t]) {
                checkDissimilar(parent, m[0], m[1]);
            } else if (width >= 3) {
                checkDissimilar(parent, m[0], m[2]);
            }
            if (width == 4) {
                checkDissimilar(parent, m[2], m[3]);
            }
        }
        int[] ids = new int[numRows];
        Arrays.fill(ids, -1);
        int[] out = new int[numRows];
        int next = 0;
        for (int i = 0; i < numRows; i++) {
            int root = find(parent, i);
            if (ids[root] < 0) {
                ids[root] = next++;
            }
            out[i] = ids[root];
        }
        return out;
    }

    private static void checkDissimilar(int[] parent, int a, int b) {
        if (find(parent, a) == find(parent, b)) {
            throw new IllegalArgumentException("the tuple annotations contradict themselves: training rows " + a
                    + " and " + b + " are annotated dissimilar, but a chain of similar pairs connects them");
        }
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    /** @return the number of annotated tuples used for training */
    int size() {
        return members.length;
    }

    /** @return the synthesized class id of every training row */
    int[] labels() {
        return labels.clone();
    }

    @Override
    public List<TrainingBatch> epoch(SplittableRandom rng) {
        int[] order = new int[members.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        List<TrainingBatch> out = new ArrayList<>();
        int[] local = new int[labels.length];
        Arrays.fill(local, -1);
        for (int start = 0; start < order.length; start += batchSize) {
            out.add(batch(Arrays.copyOfRange(order, start, Math.min(order.length, start + batchSize)), local));
        }
        return out;
    }

    /** Builds the batch of some tuples; {@code local} maps rows to batch indices and is all -1 between calls. */
    private TrainingBatch batch(int[] tupleIds, int[] local) {
        int[] rows = new int[tupleIds.length * width];
        int numRows = 0;
        int[][] indexed = new int[tupleIds.length][width];
        for (int t = 0; t < tupleIds.length; t++) {
            for (int k = 0; k < width; k++) {
                int row = members[tupleIds[t]][k];
                if (local[row] < 0) {
                    local[row] = numRows;
                    rows[numRows++] = row;
                }
                indexed[t][k] = local[row];
            }
        }
        rows = Arrays.copyOf(rows, numRows);
        int[] batchLabels = new int[numRows];
        for (int i = 0; i < numRows; i++) {
            batchLabels[i] = labels[rows[i]];
            local[rows[i]] = -1;
        }
        return new TrainingBatch(rows, batchLabels, tuples(tupleIds, indexed));
    }

    private IndexTuples tuples(int[] tupleIds, int[][] indexed) {
        if (width == 2) {
            int numSimilar = 0;
            for (int id : tupleIds) {
                numSimilar += similar[id] ? 1 : 0;
            }
            int[][] pos = new int[2][numSimilar];
            int[][] neg = new int[2][tupleIds.length - numSimilar];
            int p = 0;
            int n = 0;
            for (int t = 0; t < tupleIds.length; t++) {
                int[][] target = similar[tupleIds[t]] ? pos : neg;
                int k = similar[tupleIds[t]] ? p++ : n++;
                target[0][k] = indexed[t][0];
                target[1][k] = indexed[t][1];
            }
            return new PairTuples(pos[0], pos[1], neg[0], neg[1]);
        }
        int[][] columns = new int[width][tupleIds.length];
        for (int t = 0; t < tupleIds.length; t++) {
            for (int k = 0; k < width; k++) {
                columns[k][t] = indexed[t][k];
            }
        }
        return width == 3 ? new TripletTuples(columns[0], columns[1], columns[2])
                : new QuadrupletTuples(columns[0], columns[1], columns[2], columns[3]);
    }
}
