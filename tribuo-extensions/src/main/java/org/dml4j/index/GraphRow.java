package org.dml4j.index;

import com.github.jelmerk.hnswlib.core.Item;

/**
 * One reference in a {@link HnswIndex} graph: its row index and its float32 values (unit length for the cosine
 * distance). Validated on creation, which Java deserialization of a record also goes through.
 *
 * @param id     the reference's row index
 * @param vector its values
 */
record GraphRow(Integer id, float[] vector) implements Item<Integer, float[]> {
    private static final long serialVersionUID = 1L;

    GraphRow {
        if (id == null || id < 0 || vector == null) {
            throw new IllegalArgumentException("a graph row needs a non-negative id and a vector");
        }
    }

    @Override
    public int dimensions() {
        return vector.length;
    }
}
