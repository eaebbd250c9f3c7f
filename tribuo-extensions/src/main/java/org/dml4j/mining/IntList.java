package org.dml4j.mining;

import java.util.Arrays;

/** A growable list of ints without boxing, for building index tuples. */
public final class IntList {

    private int[] data = new int[16];
    private int size;

    /** Creates an empty list. */
    public IntList() {
    }

    /**
     * Appends a value.
     *
     * @param value the value
     */
    public void add(int value) {
        if (size == data.length) {
            data = Arrays.copyOf(data, size * 2);
        }
        data[size++] = value;
    }

    /** @return a copy of the values, in insertion order */
    public int[] toArray() {
        return Arrays.copyOf(data, size);
    }
}
