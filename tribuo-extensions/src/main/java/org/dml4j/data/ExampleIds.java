package org.dml4j.data;

import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.Output;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How the ids in a tuple annotation file name dataset rows: by row index (the default), or by the value of an id
 * column, read from each example's metadata (e.g. a Tribuo {@code RowProcessor} metadata extractor) or else from a
 * feature of that name (integral values are written without a decimal point, so feature value 12.0 is id "12").
 */
public final class ExampleIds {

    private final int size;
    private final Map<String, Integer> rows;
    private final String description;

    private ExampleIds(int size, Map<String, Integer> rows, String description) {
        this.size = size;
        this.rows = rows;
        this.description = description;
    }

    /**
     * Ids are row indices {@code 0..size-1}.
     *
     * @param size the number of rows
     * @return the mapping
     */
    public static ExampleIds rowIndices(int size) {
        return new ExampleIds(size, null, "ids are row indices 0.." + (size - 1));
    }

    /**
     * Ids are the values of a column.
     *
     * @param examples the dataset rows, in order
     * @param column   the metadata key or feature name holding each row's id
     * @param <T>      the output type
     * @return the mapping
     * @throws IllegalArgumentException if a row lacks the column or two rows share an id
     */
    public static <T extends Output<T>> ExampleIds column(Iterable<? extends Example<T>> examples, String column) {
        Map<String, Integer> rows = new HashMap<>();
        int row = 0;
        for (Example<T> e : examples) {
            Optional<String> found = idOf(e, column);
            if (found.isEmpty()) {
                throw new IllegalArgumentException("dataset row " + row + " has no metadata field or feature named '"
                        + column + "' to take its id from");
            }
            String id = found.get();
            Integer previous = rows.put(id, row);
            if (previous != null) {
                throw new IllegalArgumentException("id '" + id + "' of column '" + column + "' appears in dataset rows "
                        + previous + " and " + row + "; ids must be unique");
            }
            row++;
        }
        return new ExampleIds(row, rows, "ids are the values of column '" + column + "'");
    }

    private static Optional<String> idOf(Example<?> e, String column) {
        Optional<Object> meta = e.getMetadataValue(column);
        if (meta.isPresent()) {
            return Optional.of(meta.get().toString());
        }
        for (Feature f : e) {
            if (f.getName().equals(column)) {
                double v = f.getValue();
                return Optional.of(v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
                        : Double.toString(v));
            }
        }
        return Optional.empty();
    }

    /**
     * The row of an id.
     *
     * @param id the id as written in the file
     * @return its row, or -1 if no row has it
     */
    public int row(String id) {
        if (rows != null) {
            return rows.getOrDefault(id, -1);
        }
        try {
            int row = Integer.parseInt(id);
            return row >= 0 && row < size ? row : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** @return how ids are read, for error messages */
    public String description() {
        return description;
    }
}
