package org.dml4j.sampling;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Batches drawn from a few super-classes at a time (PML's {@code HierarchicalSampler}, after Cakir et al. 2019,
 * for hierarchically labelled data such as Stanford Online Products): for every combination of
 * {@code superClassesPerBatch} super-classes, {@code batchesPerSuperTuple} batches, each made of one sub-batch of
 * {@code batchSize / superClassesPerBatch} indices per super-class. A sub-batch takes the classes of its super-class
 * in random order, {@code samplesPerClass} examples of each (all of a class's examples when it is 0, PML's
 * {@code "all"}; drawn with replacement only from a class with fewer examples), skipping a class that would overflow
 * it, until it is full or the classes run out, so it may be shorter than its share (as in PML). Each batch is
 * shuffled, then the order of the batches. A class is a (super-class, label) pair, as in PML.
 * <p>
 * The super-class of every example is configured ({@code superLabels}, in the order of the labels the trainer
 * passes); {@link #epoch} checks that the two arrays match.
 */
public final class HierarchicalSampler implements BatchSampler {

    @Config(mandatory = true, description = "The super-class of every example, in the order of the dataset.")
    private int[] superLabels;

    @Config(description = "Examples per class in a sub-batch; 0 takes all of a class's examples (PML \"all\"). The "
            + "sub-batch size must be a multiple of it.")
    private int samplesPerClass;

    @Config(description = "Batches per combination of super-classes (PML default 4).")
    private int batchesPerSuperTuple = 4;

    @Config(description = "Super-classes per batch (PML default 2); the batch size must be a multiple of it.")
    private int superClassesPerBatch = 2;

    private HierarchicalSampler() {
        // For OLCUT.
    }

    /**
     * Creates the sampler.
     *
     * @param superLabels          the super-class of every example
     * @param samplesPerClass      examples per class in a sub-batch, 0 for all of them
     * @param batchesPerSuperTuple batches per combination of super-classes
     * @param superClassesPerBatch super-classes per batch
     */
    public HierarchicalSampler(int[] superLabels, int samplesPerClass, int batchesPerSuperTuple,
                               int superClassesPerBatch) {
        this.superLabels = superLabels.clone();
        this.samplesPerClass = samplesPerClass;
        this.batchesPerSuperTuple = batchesPerSuperTuple;
        this.superClassesPerBatch = superClassesPerBatch;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (superLabels == null || superLabels.length == 0) {
            throw new PropertyException("", "superLabels", "superLabels must give the super-class of every example");
        }
        if (samplesPerClass < 0) {
            throw new PropertyException("", "samplesPerClass", "samplesPerClass must be >= 1, or 0 for all of a "
                    + "class's examples, found " + samplesPerClass);
        }
        if (batchesPerSuperTuple < 1) {
            throw new PropertyException("", "batchesPerSuperTuple", "batchesPerSuperTuple must be >= 1, found "
                    + batchesPerSuperTuple);
        }
        if (superClassesPerBatch < 1) {
            throw new PropertyException("", "superClassesPerBatch", "superClassesPerBatch must be >= 1, found "
                    + superClassesPerBatch);
        }
    }

    @Override
    public List<int[]> epoch(int[] labels, int batchSize, SplittableRandom rng) {
        Shuffling.checkBatchSize(batchSize);
        if (labels.length != superLabels.length) {
            throw new IllegalArgumentException("HierarchicalSampler has " + superLabels.length + " super labels but "
                    + labels.length + " examples were given; superLabels must have one entry per example");
        }
        if (batchSize % superClassesPerBatch != 0) {
            throw new IllegalArgumentException("batchSize must be a multiple of superClassesPerBatch = "
                    + superClassesPerBatch + ", found " + batchSize);
        }
        int subBatch = batchSize / superClassesPerBatch;
        if (samplesPerClass > 0 && subBatch % samplesPerClass != 0) {
            throw new IllegalArgumentException("the sub-batch size batchSize / superClassesPerBatch = " + subBatch
                    + " must be a multiple of samplesPerClass = " + samplesPerClass);
        }
        // super-class -> class -> members, both in increasing order
        Map<Integer, Map<Integer, List<Integer>>> tree = new TreeMap<>();
        for (int i = 0; i < labels.length; i++) {
            tree.computeIfAbsent(superLabels[i], s -> new TreeMap<>())
                    .computeIfAbsent(labels[i], c -> new ArrayList<>()).add(i);
        }
        List<int[][]> supers = new ArrayList<>();
        for (Map<Integer, List<Integer>> classes : tree.values()) {
            supers.add(classes.values().stream().map(m -> m.stream().mapToInt(Integer::intValue).toArray())
                    .toArray(int[][]::new));
        }
        if (supers.size() < superClassesPerBatch) {
            throw new IllegalArgumentException("the data has " + supers.size() + " super-classes, fewer than "
                    + "superClassesPerBatch = " + superClassesPerBatch);
        }
        List<int[]> batches = new ArrayList<>();
        for (int[] combination : combinations(supers.size(), superClassesPerBatch)) {
            for (int b = 0; b < batchesPerSuperTuple; b++) {
                List<Integer> batch = new ArrayList<>();
                for (int s : combination) {
                    batch.addAll(subBatch(supers.get(s), subBatch, rng));
                }
                if (batch.isEmpty()) {
                    throw new IllegalArgumentException("no class of the super-classes " + java.util.Arrays.toString(
                            combination) + " fits a sub-batch of " + subBatch + "; raise batchSize or set "
                            + "samplesPerClass");
                }
                Shuffling.shuffle(batch, rng);
                batches.add(batch.stream().mapToInt(Integer::intValue).toArray());
            }
        }
        Shuffling.shuffle(batches, rng);
        return batches;
    }

    private List<Integer> subBatch(int[][] classes, int size, SplittableRandom rng) {
        List<int[]> order = new ArrayList<>(List.of(classes));
        Shuffling.shuffle(order, rng);
        List<Integer> sub = new ArrayList<>();
        for (int[] members : order) {
            if (sub.size() >= size) {
                break;
            }
            int take = samplesPerClass > 0 ? samplesPerClass : members.length;
            if (sub.size() + take > size) {
                continue;
            }
            for (int i : Shuffling.safeChoice(members, take, rng)) {
                sub.add(i);
            }
        }
        return sub;
    }

    /** Every k-subset of {0..n-1}, in lexicographic order (Python's {@code itertools.combinations}). */
    static List<int[]> combinations(int n, int k) {
        List<int[]> out = new ArrayList<>();
        int[] c = new int[k];
        for (int i = 0; i < k; i++) {
            c[i] = i;
        }
        while (true) {
            out.add(c.clone());
            int i = k - 1;
            while (i >= 0 && c[i] == n - k + i) {
                i--;
            }
            if (i < 0) {
                return out;
            }
            c[i]++;
            for (int j = i + 1; j < k; j++) {
                c[j] = c[j - 1] + 1;
            }
        }
    }

    @Override
    public String toString() {
        return "HierarchicalSampler(samplesPerClass=" + samplesPerClass + ", batchesPerSuperTuple="
                + batchesPerSuperTuple + ", superClassesPerBatch=" + superClassesPerBatch + ")";
    }
}
