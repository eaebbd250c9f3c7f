package org.dml4j.sampling;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A fixed set of {@code numTriplets} triplets, the only supervision an epoch sees (PML's {@code FixedSetOfTriplets},
 * for experiments where the ground truth is a set of triplets rather than labels). Each triplet draws two distinct
 * classes uniformly (the anchor's and the negative's), an anchor and a positive from the first (distinct, unless the
 * class has one example) and a negative from the second. The set depends only on the labels and {@code seed}, so it
 * is the same every epoch; each epoch shuffles the triplets' order with the epoch's generator and cuts the sequence
 * {@code a, p, n, a, p, n, ...} into batches of whole triplets (the last one shorter). Pair it with
 * {@code org.dml4j.mining.EmbeddingsAlreadyPackagedAsTriplets}.
 */
public final class FixedSetOfTriplets implements BatchSampler {

    @Config(mandatory = true, description = "The number of triplets in the fixed set.")
    private int numTriplets;

    @Config(description = "The seed the fixed set is drawn with.")
    private long seed = 12345L;

    private FixedSetOfTriplets() {
        // For OLCUT.
    }

    /**
     * Creates the sampler.
     *
     * @param numTriplets the number of triplets
     * @param seed        the seed of the fixed set
     */
    public FixedSetOfTriplets(int numTriplets, long seed) {
        this.numTriplets = numTriplets;
        this.seed = seed;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (numTriplets < 1) {
            throw new PropertyException("", "numTriplets", "numTriplets must be >= 1, found " + numTriplets);
        }
    }

    /**
     * The fixed set for a label array: row k is triplet k {@code (anchor, positive, negative)}.
     *
     * @param labels the class id of every example
     * @return the {@code numTriplets} triplets
     * @throws IllegalArgumentException if there are fewer than two classes
     */
    public int[][] triplets(int[] labels) {
        ClassMembers classes = ClassMembers.of(labels);
        if (classes.numClasses() < 2) {
            throw new IllegalArgumentException("FixedSetOfTriplets needs at least two classes, found "
                    + classes.numClasses());
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int[][] triplets = new int[numTriplets][];
        int[] classIds = new int[classes.numClasses()];
        for (int c = 0; c < classIds.length; c++) {
            classIds[c] = c;
        }
        for (int k = 0; k < numTriplets; k++) {
            int[] pair = Shuffling.safeChoice(classIds, 2, rng);
            int[] anchorPositive = Shuffling.safeChoice(classes.members(pair[0]), 2, rng);
            int[] negatives = classes.members(pair[1]);
            triplets[k] = new int[]{anchorPositive[0], anchorPositive[1], negatives[rng.nextInt(negatives.length)]};
        }
        return triplets;
    }

    @Override
    public List<int[]> epoch(int[] labels, int batchSize, SplittableRandom rng) {
        Shuffling.checkBatchSize(batchSize);
        if (batchSize % 3 != 0) {
            throw new IllegalArgumentException("FixedSetOfTriplets needs a batch size that is a multiple of 3 (whole "
                    + "triplets), found " + batchSize);
        }
        int[][] triplets = triplets(labels);
        Shuffling.shuffle(java.util.Arrays.asList(triplets), rng);
        int[] flat = new int[3 * numTriplets];
        for (int k = 0; k < numTriplets; k++) {
            System.arraycopy(triplets[k], 0, flat, 3 * k, 3);
        }
        return Shuffling.cut(flat, batchSize);
    }

    @Override
    public String toString() {
        return "FixedSetOfTriplets(numTriplets=" + numTriplets + ", seed=" + seed + ")";
    }
}
