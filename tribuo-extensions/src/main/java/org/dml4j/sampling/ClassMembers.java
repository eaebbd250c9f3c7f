package org.dml4j.sampling;

import java.util.Arrays;
import java.util.stream.IntStream;

/** The example indices of each class present in a label array, classes in increasing id order. */
final class ClassMembers {

    private final int[][] members;
    private final int[] labels;

    private ClassMembers(int[][] members, int[] labels) {
        this.members = members;
        this.labels = labels;
    }

    /**
     * Groups the indices by label.
     *
     * @param labels the class id of every example
     * @return the groups of the classes that occur
     * @throws IllegalArgumentException if the labels are empty or one is negative
     */
    static ClassMembers of(int[] labels) {
        if (labels.length == 0) {
            throw new IllegalArgumentException("cannot sample from an empty label array");
        }
        int max = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("label " + i + " is negative (" + labels[i]
                        + "); class ids must be >= 0");
            }
            max = Math.max(max, labels[i]);
        }
        int[] counts = new int[max + 1];
        for (int label : labels) {
            counts[label]++;
        }
        int[][] byId = new int[max + 1][];
        for (int c = 0; c <= max; c++) {
            byId[c] = new int[counts[c]];
        }
        int[] filled = new int[max + 1];
        for (int i = 0; i < labels.length; i++) {
            byId[labels[i]][filled[labels[i]]++] = i;
        }
        return new ClassMembers(Arrays.stream(byId).filter(m -> m.length > 0).toArray(int[][]::new),
                IntStream.rangeClosed(0, max).filter(c -> counts[c] > 0).toArray());
    }

    /** @return the number of classes present */
    int numClasses() {
        return members.length;
    }

    /**
     * The label of one class.
     *
     * @param c the position of the class among the present ones
     * @return its class id
     */
    int label(int c) {
        return labels[c];
    }

    /**
     * The indices of one class.
     *
     * @param c the position of the class among the present ones
     * @return a fresh copy of its indices, in increasing order
     */
    int[] members(int c) {
        return members[c].clone();
    }
}
