package org.dml4j.crossmodal;

import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.data.columnar.ColumnarIterator;
import org.tribuo.data.csv.CSVIterator;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Reads paired data for cross-modal training into a Tribuo dataset whose examples each hold both modalities'
 * features (named {@code prefixA + i} and {@code prefixB + j}, every value kept, zeros too, so that a feature zero in
 * every example still has its column) and a label that defines relevance: the class, or without one the pair itself
 * (each row its own label, so only its partner is relevant). Two layouts:
 * <ul>
 *   <li>{@link #csv}: one CSV, a header naming the columns {@code a_0..a_n}, {@code b_0..b_m} and optionally a
 *       class (or pair id) column; one pair per row.</li>
 *   <li>{@link #pairs}: one CSV per modality, each with an {@code id} column and that modality's feature columns,
 *       and a pair file with the columns {@code a_id}, {@code b_id} and optionally {@code label}.</li>
 * </ul>
 * Every cell is checked: an error names the file, its line and the column (a value that is not a finite float32
 * number, a column of neither group, a missing group, an id a pair file names that its feature file lacks, a
 * duplicate id).
 */
public final class PairedData {

    /** The id column of a modality's feature file. */
    public static final String ID_COLUMN = "id";
    /** The pair file's column of the first modality's ids. */
    public static final String A_ID_COLUMN = "a_id";
    /** The pair file's column of the second modality's ids. */
    public static final String B_ID_COLUMN = "b_id";
    /** The pair file's optional class column. */
    public static final String LABEL_COLUMN = "label";

    private PairedData() {
    }

    /**
     * Reads a CSV with both modalities' feature groups in each row.
     *
     * @param file        the CSV file, with a header line
     * @param labelColumn the class (or pair id) column, or null: each row is then its own pair
     * @param prefixA     the first modality's feature-name prefix, e.g. {@code a_}
     * @param prefixB     the second modality's feature-name prefix, e.g. {@code b_}
     * @return the pairs
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException naming the file, line and column of bad input
     */
    public static MutableDataset<Label> csv(Path file, String labelColumn, String prefixA, String prefixB)
            throws IOException {
        Table table = Table.read(file, labelColumn == null ? List.of() : List.of(labelColumn), prefixA, prefixB);
        FeatureGroup.of(prefixA, table.featureColumns(), Modality.A, file.toString());
        FeatureGroup.of(prefixB, table.featureColumns(), Modality.B, file.toString());
        MutableDataset<Label> data = dataset("paired CSV " + file);
        for (int r = 0; r < table.rows().size(); r++) {
            Row row = table.rows().get(r);
            String label = labelColumn == null ? String.valueOf(r)
                    : required(row.source(), labelColumn, file, row.line());
            data.add(new ArrayExample<>(new Label(label), table.featureColumns().toArray(String[]::new),
                    row.values()));
        }
        return data;
    }

    /**
     * Reads the pairs a pair file names from one feature file per modality.
     *
     * @param pairFile the pair file: columns {@code a_id}, {@code b_id}, optionally {@code label}
     * @param aFile    the first modality's features: an {@code id} column and the columns {@code prefixA + i}
     * @param bFile    the second modality's features: an {@code id} column and the columns {@code prefixB + j}
     * @param prefixA  the first modality's feature-name prefix
     * @param prefixB  the second modality's feature-name prefix
     * @return one example per pair, in the pair file's order
     * @throws IOException              if a file cannot be read
     * @throws IllegalArgumentException naming the file, line and column of bad input, e.g. an unknown id
     */
    public static MutableDataset<Label> pairs(Path pairFile, Path aFile, Path bFile, String prefixA, String prefixB)
            throws IOException {
        Table aTable = Table.read(aFile, List.of(ID_COLUMN), prefixA, null);
        Table bTable = Table.read(bFile, List.of(ID_COLUMN), prefixB, null);
        Map<String, Row> aRows = byId(aTable, aFile, prefixA, Modality.A);
        Map<String, Row> bRows = byId(bTable, bFile, prefixB, Modality.B);
        List<String> names = new ArrayList<>(aTable.featureColumns());
        int widthA = names.size();
        names.addAll(bTable.featureColumns());
        String[] featureNames = names.toArray(String[]::new);
        List<String> pairHeader = header(pairFile);
        for (String column : List.of(A_ID_COLUMN, B_ID_COLUMN)) {
            if (!pairHeader.contains(column)) {
                throw new IllegalArgumentException(pairFile + " has no column '" + column + "' (its header names "
                        + pairHeader + "); a pair file has the columns a_id, b_id and optionally label");
            }
        }
        boolean labelled = pairHeader.contains(LABEL_COLUMN);
        MutableDataset<Label> data = dataset("pairs " + pairFile + " of " + aFile + " and " + bFile);
        try (CSVIterator rows = new CSVIterator(pairFile.toUri())) {
            int pair = 0;
            while (rows.hasNext()) {
                ColumnarIterator.Row row = rows.next();
                long line = row.getIndex() + 2;
                Row a = partner(aRows, row, A_ID_COLUMN, pairFile, line, aFile);
                Row b = partner(bRows, row, B_ID_COLUMN, pairFile, line, bFile);
                double[] values = new double[featureNames.length];
                System.arraycopy(a.values(), 0, values, 0, widthA);
                System.arraycopy(b.values(), 0, values, widthA, values.length - widthA);
                String label = labelled ? required(row, LABEL_COLUMN, pairFile, line) : String.valueOf(pair);
                data.add(new ArrayExample<>(new Label(label), featureNames, values));
                pair++;
            }
        }
        if (data.size() == 0) {
            throw new IllegalArgumentException(pairFile + " lists no pairs: add rows a_id,b_id below its header");
        }
        return data;
    }

    /**
     * The pairs split at random into two parts, e.g. training and validation pairs (not stratified: with one label
     * per pair, a class-stratified split is impossible).
     *
     * @param pairs    the pairs
     * @param fraction the share of the second part, in (0, 1)
     * @param seed     the seed of the shuffle
     * @return the parts, each keeping the data's provenance
     * @throws IllegalArgumentException when a part would have fewer than 2 pairs
     */
    public static Split split(Dataset<Label> pairs, double fraction, long seed) {
        List<Example<Label>> rows = new ArrayList<>();
        pairs.forEach(rows::add);
        int held = (int) Math.round(rows.size() * fraction);
        if (held < 2 || rows.size() - held < 2) {
            throw new IllegalArgumentException("holding out " + fraction + " of " + rows.size() + " pairs leaves "
                    + held + " and " + (rows.size() - held) + "; each part needs at least 2 pairs");
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = rows.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            rows.set(i, rows.set(j, rows.get(i)));
        }
        return new Split(part(pairs, rows.subList(held, rows.size())), part(pairs, rows.subList(0, held)));
    }

    /**
     * The two parts of a {@link #split}.
     *
     * @param kept    the larger part (e.g. training pairs)
     * @param heldOut the held-out part
     */
    public record Split(Dataset<Label> kept, Dataset<Label> heldOut) {
    }

    private static Dataset<Label> part(Dataset<Label> all, List<Example<Label>> rows) {
        MutableDataset<Label> out = new MutableDataset<>(all.getProvenance(), all.getOutputFactory());
        rows.forEach(out::add);
        return out;
    }

    private static Row partner(Map<String, Row> rows, ColumnarIterator.Row pair, String column, Path pairFile,
                               long line, Path featureFile) {
        String id = required(pair, column, pairFile, line);
        Row found = rows.get(id);
        if (found == null) {
            throw new IllegalArgumentException(pairFile + " line " + line + ", column '" + column + "': the id '"
                    + abbreviate(id) + "' is not an id of " + featureFile + "; every pair must name rows that exist "
                    + "(fix the id or add the row)");
        }
        return found;
    }

    private static String required(ColumnarIterator.Row row, String column, Path file, long line) {
        String value = row.getRowData().get(column);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(file + " line " + line + ", column '" + column + "' is empty; fill "
                    + "it in or drop the row");
        }
        return value.strip();
    }

    private static Map<String, Row> byId(Table table, Path file, String prefix, Modality modality) {
        FeatureGroup.of(prefix, table.featureColumns(), modality, file.toString());
        Map<String, Row> out = new HashMap<>();
        for (Row row : table.rows()) {
            String id = required(row.source(), ID_COLUMN, file, row.line());
            if (out.put(id, row) != null) {
                throw new IllegalArgumentException(file + " line " + row.line() + ": the id '" + abbreviate(id)
                        + "' appears twice; ids of a feature file must be unique");
            }
        }
        return out;
    }

    private static MutableDataset<Label> dataset(String description) {
        LabelFactory factory = new LabelFactory();
        return new MutableDataset<>(new SimpleDataSourceProvenance(description, factory), factory);
    }

    private static List<String> header(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("file not found: " + file);
        }
        try (CSVIterator rows = new CSVIterator(file.toUri())) {
            return rows.getFields();
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    /** One data row: the CSV row, its line, and its feature values in the table's feature-column order. */
    private record Row(ColumnarIterator.Row source, long line, double[] values) {
    }

    /** A checked CSV: the feature columns (in the header's order, each in one of the groups) and the rows. */
    private record Table(List<String> featureColumns, List<Row> rows) {

        /**
         * @param other columns that are not features (label, id)
         * @param prefixB the second group's prefix, or null for a file of one group
         */
        static Table read(Path file, List<String> other, String prefixA, String prefixB) throws IOException {
            List<String> header = PairedData.header(file);
            for (String column : other) {
                if (!header.contains(column)) {
                    throw new IllegalArgumentException(file + " has no column '" + column + "' (its header names "
                            + abbreviate(header.toString()) + ")");
                }
            }
            List<String> features = new ArrayList<>();
            for (String column : header) {
                if (other.contains(column)) {
                    continue;
                }
                if (!column.startsWith(prefixA) && (prefixB == null || !column.startsWith(prefixB))) {
                    throw new IllegalArgumentException(file + ": the column '" + abbreviate(column) + "' is in "
                            + "neither feature group (" + prefixA + "*" + (prefixB == null ? "" : ", " + prefixB + "*")
                            + ")" + (other.isEmpty() ? "" : " nor " + other) + "; rename or drop it");
                }
                features.add(column);
            }
            List<Row> rows = new ArrayList<>();
            try (CSVIterator it = new CSVIterator(file.toUri())) {
                while (it.hasNext()) {
                    ColumnarIterator.Row row = it.next();
                    long line = row.getIndex() + 2;
                    double[] values = new double[features.size()];
                    for (int k = 0; k < values.length; k++) {
                        values[k] = number(row.getRowData().get(features.get(k)), file, line, features.get(k));
                    }
                    rows.add(new Row(row, line, values));
                }
            }
            if (rows.isEmpty()) {
                throw new IllegalArgumentException(file + " has a header but no rows");
            }
            return new Table(features, rows);
        }

        private static double number(String text, Path file, long line, String column) {
            String problem;
            try {
                double value = Double.parseDouble(text == null ? "" : text.strip());
                if (Double.isFinite(value) && Math.abs(value) <= Float.MAX_VALUE) {
                    return value;
                }
                problem = "is not a finite float32 number";
            } catch (NumberFormatException e) {
                problem = text == null || text.isBlank() ? "is empty" : "is not a number";
            }
            throw new IllegalArgumentException(file + " line " + line + ", column '" + column + "': the value '"
                    + abbreviate(String.valueOf(text)) + "' " + problem + "; every feature must be a finite number");
        }
    }
}
