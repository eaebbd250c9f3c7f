package org.dml4j.sampling;

import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * Draws N-way episodes from labelled examples, as few-shot learning trains and evaluates (Vinyals et al. 2016,
 * "Matching Networks for One Shot Learning"; Snell et al. 2017, "Prototypical Networks for Few-shot Learning"):
 * {@code way} distinct classes chosen uniformly at random, and from each {@code perClass} distinct examples chosen
 * uniformly at random (for a K-shot episode with Q queries per class, {@code perClass = K + Q}). An episode lists its
 * classes one after another, each class's examples contiguous; the first K of each class are its support set and the
 * rest its queries. All randomness comes from the generator passed to {@link #draw}: the same labels and generator
 * state give the same episodes. An instance reorders its own copy of the class members while drawing, so it is not
 * thread-safe: give each thread its own.
 */
public final class Episodes {

    private final ClassMembers classes;
    private final int[][] members;
    private final int[] classOrder;
    private final int way;
    private final int perClass;

    private Episodes(ClassMembers classes, int way, int perClass) {
        this.classes = classes;
        this.way = way;
        this.perClass = perClass;
        this.members = new int[classes.numClasses()][];
        for (int c = 0; c < members.length; c++) {
            members[c] = classes.members(c);
        }
        this.classOrder = new int[members.length];
        for (int c = 0; c < classOrder.length; c++) {
            classOrder[c] = c;
        }
    }

    /**
     * Prepares the episodes of a labelled set.
     *
     * @param labels    the class id of every example, each {@code >= 0}
     * @param way       the classes of an episode (N), at least 1
     * @param perClass  the examples drawn from each class (K + Q), at least 1
     * @param className how error messages name a class id (e.g. its quoted label)
     * @return the episodes' source
     * @throws IllegalArgumentException if the data has fewer than {@code way} classes or a class has fewer than
     *                                  {@code perClass} examples (naming the class and its size)
     */
    public static Episodes of(int[] labels, int way, int perClass, IntFunction<String> className) {
        if (way < 1) {
            throw new IllegalArgumentException("way must be >= 1, found " + way);
        }
        if (perClass < 1) {
            throw new IllegalArgumentException("the examples per class of an episode (shot + queries) must be >= 1,"
                    + " found " + perClass);
        }
        ClassMembers classes = ClassMembers.of(labels);
        if (classes.numClasses() < way) {
            throw new IllegalArgumentException("a " + way + "-way episode needs " + way + " classes but the data has "
                    + classes.numClasses() + ": lower the way to at most " + classes.numClasses()
                    + " or give data with more classes");
        }
        for (int c = 0; c < classes.numClasses(); c++) {
            int size = classes.members(c).length;
            if (size < perClass) {
                throw new IllegalArgumentException("class " + className.apply(classes.label(c)) + " has " + size
                        + " examples, fewer than the " + perClass + " (shot + queries) an episode draws from each "
                        + "class: lower the shot or the queries to at most " + size + " in all, or leave the class "
                        + "out");
            }
        }
        return new Episodes(classes, way, perClass);
    }

    /** @return the classes of an episode */
    public int way() {
        return way;
    }

    /** @return the examples drawn from each class of an episode */
    public int perClass() {
        return perClass;
    }

    /** @return the examples of an episode, {@code way × perClass} */
    public int size() {
        return way * perClass;
    }

    /**
     * Draws one episode.
     *
     * @param rng the source of randomness, advanced by the call
     * @return {@link #size()} example indices: class by class, {@link #perClass()} each
     */
    public int[] draw(SplittableRandom rng) {
        int[] episode = new int[size()];
        choose(classOrder, way, rng);
        for (int k = 0; k < way; k++) {
            int[] pool = members[classOrder[k]];
            choose(pool, perClass, rng);
            System.arraycopy(pool, 0, episode, k * perClass, perClass);
        }
        return episode;
    }

    /**
     * Moves a uniformly random {@code count}-subset of {@code values}, in random order, to its front (a partial
     * Fisher-Yates shuffle; starting from any permutation it draws every ordered subset with the same probability).
     */
    private static void choose(int[] values, int count, SplittableRandom rng) {
        for (int i = 0; i < count; i++) {
            int j = i + rng.nextInt(values.length - i);
            int swap = values[i];
            values[i] = values[j];
            values[j] = swap;
        }
    }

    @Override
    public String toString() {
        return "Episodes(way=" + way + ", perClass=" + perClass + ", classes=" + classes.numClasses() + ")";
    }
}
