package org.dml4j.sampling;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Batches of {@code batchSize / m} blocks, each block {@code m} examples of one class, that together cover every
 * example at least once per epoch (PML's {@code MPerClassSampler} draws blocks at random and skips examples).
 * <p>
 * Each class is shuffled and cut into blocks of {@code m}:
 * <ul>
 *     <li>a class with fewer than {@code m} examples gives one block holding all of them, topped up with repeats
 *     drawn from the class (so its examples appear more than once in that batch);</li>
 *     <li>the last, partial block of a larger class is topped up with other examples of the class.</li>
 * </ul>
 * The epoch has as many batches as the blocks need, and more if one class has too many blocks to place without two
 * of them sharing a batch; empty slots are filled with extra blocks drawn from classes with room, so every batch has
 * exactly {@code batchSize} indices. When there are at least {@code batchSize / m} classes, the classes of a batch
 * are all different (exactly {@code m} examples each); with fewer classes, each class appears in a batch at most
 * {@code ceil((batchSize / m) / numClasses)} times, as whole blocks. Batches are filled by giving slots to the
 * classes with the most blocks left (ties broken at random), which always places every block; the order of the
 * batches is then shuffled.
 */
public final class MPerClassSampler implements BatchSampler {

    @Config(description = "Examples of one class per block; the batch size must be a multiple of it "
            + "(32 in the reference protocol).")
    private int m = 32;

    /** For OLCUT. */
    private MPerClassSampler() {
    }

    /**
     * Creates the sampler.
     *
     * @param m the examples of one class per block
     */
    public MPerClassSampler(int m) {
        this.m = m;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (m < 1) {
            throw new PropertyException("", "m", "m must be >= 1, found " + m);
        }
    }

    /** @return the examples of one class per block */
    public int m() {
        return m;
    }

    @Override
    public List<int[]> epoch(int[] labels, int batchSize, SplittableRandom rng) {
        Shuffling.checkBatchSize(batchSize);
        if (batchSize % m != 0) {
            throw new IllegalArgumentException("batchSize must be a multiple of m = " + m + ", found " + batchSize);
        }
        ClassMembers classes = ClassMembers.of(labels);
        int blocksPerBatch = batchSize / m;
        int numClasses = classes.numClasses();
        int perClassCap = (blocksPerBatch + numClasses - 1) / numClasses;
        // A class that may appear `perClassCap` times in a batch is split into that many lanes; a lane appears at most
        // once per batch, which turns the placement into the classic one-per-batch problem.
        List<Lane> lanes = new ArrayList<>();
        int totalBlocks = 0;
        int[][] shuffled = new int[numClasses][];
        for (int c = 0; c < numClasses; c++) {
            shuffled[c] = classes.members(c);
            Shuffling.shuffle(shuffled[c], rng);
            int numBlocks = (shuffled[c].length + m - 1) / m;
            totalBlocks += numBlocks;
            Lane[] classLanes = new Lane[perClassCap];
            for (int l = 0; l < perClassCap; l++) {
                classLanes[l] = new Lane(c);
                lanes.add(classLanes[l]);
            }
            for (int b = 0; b < numBlocks; b++) {
                classLanes[b % perClassCap].blocks.add(block(shuffled[c], b * m, rng));
            }
        }
        int maxLane = lanes.stream().mapToInt(l -> l.blocks.size()).max().orElse(0);
        int numBatches = Math.max((totalBlocks + blocksPerBatch - 1) / blocksPerBatch, maxLane);
        pad(lanes, shuffled, numBatches * blocksPerBatch - totalBlocks, numBatches, rng);
        List<int[]> batches = new ArrayList<>(numBatches);
        for (int b = 0; b < numBatches; b++) {
            batches.add(fill(lanes, blocksPerBatch, rng));
        }
        Shuffling.shuffle(batches, rng);
        return batches;
    }

    /** Adds {@code count} extra blocks to random lanes holding fewer than {@code numBatches} blocks. */
    private void pad(List<Lane> lanes, int[][] shuffled, int count, int numBatches, SplittableRandom rng) {
        List<Lane> open = new ArrayList<>();
        for (Lane lane : lanes) {
            if (lane.blocks.size() < numBatches) {
                open.add(lane);
            }
        }
        for (int i = 0; i < count; i++) {
            int pick = rng.nextInt(open.size());
            Lane lane = open.get(pick);
            int[] members = shuffled[lane.classIndex].clone();
            Shuffling.shuffle(members, rng);
            lane.blocks.add(block(members, 0, rng));
            if (lane.blocks.size() == numBatches) {
                open.set(pick, open.get(open.size() - 1));
                open.remove(open.size() - 1);
            }
        }
    }

    /** Takes one block from each of the {@code blocksPerBatch} fullest lanes, ties in random order. */
    private int[] fill(List<Lane> lanes, int blocksPerBatch, SplittableRandom rng) {
        Shuffling.shuffle(lanes, rng);
        lanes.sort(Comparator.comparingInt((Lane l) -> l.blocks.size()).reversed());
        int[] batch = new int[blocksPerBatch * m];
        for (int k = 0; k < blocksPerBatch; k++) {
            int[] block = lanes.get(k).blocks.poll();
            if (block == null) {
                throw new IllegalStateException("internal error: fewer non-empty lanes than blocks per batch");
            }
            System.arraycopy(block, 0, batch, k * m, m);
        }
        return batch;
    }

    /**
     * The block starting at {@code start} of a shuffled class, topped up to {@code m}: with other members of the class
     * if it has at least {@code m}, else with members drawn with replacement.
     */
    private int[] block(int[] members, int start, SplittableRandom rng) {
        int[] out = new int[m];
        int taken = Math.min(m, members.length - start);
        System.arraycopy(members, start, out, 0, taken);
        if (members.length >= m) {
            // start >= m here, so members[0, m - taken) are distinct from the partial block.
            System.arraycopy(members, 0, out, taken, m - taken);
        } else {
            for (int i = taken; i < m; i++) {
                out[i] = members[rng.nextInt(members.length)];
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "MPerClassSampler(m=" + m + ")";
    }

    /** A queue of blocks of one class that never sends two blocks to the same batch. */
    private static final class Lane {
        private final int classIndex;
        private final ArrayDeque<int[]> blocks = new ArrayDeque<>();

        private Lane(int classIndex) {
            this.classIndex = classIndex;
        }
    }
}
