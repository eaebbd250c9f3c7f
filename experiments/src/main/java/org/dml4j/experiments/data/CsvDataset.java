package org.dml4j.experiments.data;

import org.dml4j.data.UnlabeledData;
import org.dml4j.experiments.io.UserError;
import org.tribuo.Dataset;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.data.columnar.ColumnarIterator;
import org.tribuo.data.csv.CSVIterator;
import org.tribuo.data.csv.CSVLoader;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A CSV dataset ({@code --dataset csv:PATH}): one row per example, a label column and numeric feature columns; or a
 * CSV file of unlabeled examples ({@code --unlabeled csv:PATH}), numeric feature columns only. Every
 * feature cell is checked before Tribuo's {@link CSVLoader} reads the file: a cell that is not a number, is NaN or
 * infinite (also {@code 1e400}, which parses to infinity), or is too large for the float32 the networks compute in
 * (e.g. {@code 1e200}) is refused with the file, its line and its column, instead of training a model whose embeddings
 * are all NaN.
 */
final class CsvDataset {

    private CsvDataset() {
    }

    /**
     * Checks and loads a CSV dataset.
     *
     * @param file        the CSV file, with a header line
     * @param labelColumn the header's name of the label column
     * @return the examples
     * @throws UserError naming the file, line and column of the first bad cell, or a missing label column
     */
    static Dataset<Label> load(Path file, String labelColumn) {
        return read(file, labelColumn, true, () -> new MutableDataset<>(new CSVLoader<>(new LabelFactory())
                .loadDataSource(file, labelColumn)));
    }

    /**
     * Checks and loads a CSV file of unlabeled examples: every column a numeric feature, each row an example with
     * Tribuo's unknown label ({@link UnlabeledData}).
     *
     * @param file        the CSV file, with a header line
     * @param labelColumn the label column's name, which the file must not have
     * @return the examples
     * @throws UserError naming the file, line and column of the first bad cell, or the label column it has
     */
    static Dataset<Label> loadUnlabeled(Path file, String labelColumn) {
        return read(file, labelColumn, false, () -> {
            LabelFactory factory = new LabelFactory();
            MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance("unlabeled CSV "
                    + file, factory), factory);
            try (CSVIterator rows = new CSVIterator(file.toUri())) {
                String[] names = rows.getFields().toArray(String[]::new);
                while (rows.hasNext()) {
                    Map<String, String> cells = rows.next().getRowData();
                    double[] values = new double[names.length];
                    for (int k = 0; k < names.length; k++) {
                        values[k] = Double.parseDouble(cells.get(names[k]).strip());
                    }
                    data.add(new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, names, values));
                }
            }
            return data;
        });
    }

    /** What reads a checked file. */
    private interface Reader {
        Dataset<Label> read() throws IOException;
    }

    private static Dataset<Label> read(Path file, String labelColumn, boolean labelled, Reader reader) {
        String option = labelled ? "--dataset csv:PATH" : "--unlabeled csv:PATH";
        if (!Files.isRegularFile(file)) {
            throw new UserError("CSV " + (labelled ? "dataset" : "file") + " not found: " + file + ". Give " + option
                    + " with an existing file.");
        }
        try {
            check(file, labelColumn, labelled);
            return reader.read();
        } catch (IOException | RuntimeException e) {
            if (e instanceof UserError userError) {
                throw userError;
            }
            throw new UserError("Cannot load the CSV " + (labelled ? "dataset " : "file ") + file + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Checks a CSV file's header and every feature cell.
     *
     * @param file        the file
     * @param labelColumn the label column's name
     * @param labelled    whether the file must have that column (else it must not)
     */
    private static void check(Path file, String labelColumn, boolean labelled) throws IOException {
        try (CSVIterator rows = new CSVIterator(file.toUri())) {
            List<String> header = rows.getFields();
            if (labelled && !header.contains(labelColumn)) {
                throw new UserError(file + " has no column '" + labelColumn + "' (its header names " + header
                        + "); set --label-column to the label column's name.");
            }
            if (!labelled && header.contains(labelColumn)) {
                throw new UserError(file + " has a column '" + labelColumn + "' (--label-column), but an unlabeled "
                        + "file holds only feature columns: drop that column, or give the file as --dataset csv:"
                        + file + " if its rows are labelled.");
            }
            while (rows.hasNext()) {
                ColumnarIterator.Row row = rows.next();
                // Line 1 is the header; a row without quoted line breaks takes one line.
                long line = row.getIndex() + 2;
                for (Map.Entry<String, String> cell : row.getRowData().entrySet()) {
                    if (!cell.getKey().equals(labelColumn)) {
                        checkCell(file, line, cell.getKey(), cell.getValue());
                    }
                }
            }
        }
    }

    private static void checkCell(Path file, long line, String column, String text) {
        String problem;
        try {
            double value = Double.parseDouble(text.strip());
            if (Double.isNaN(value)) {
                problem = "is NaN";
            } else if (Double.isInfinite(value)) {
                problem = "is infinite (or overflows a double)";
            } else if (Math.abs(value) > Float.MAX_VALUE) {
                problem = "is too large for float32 (at most ±" + Float.MAX_VALUE + "), so training would overflow";
            } else {
                return;
            }
        } catch (NumberFormatException e) {
            problem = text.isBlank() ? "is empty" : "is not a number";
        }
        throw new UserError(file + " line " + line + ", column '" + column + "': the value '" + abbreviate(text)
                + "' " + problem + ". Every column but the label column (--label-column) must hold finite "
                + "numbers: fix or drop that row.");
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }
}
