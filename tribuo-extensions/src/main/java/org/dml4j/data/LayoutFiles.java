package org.dml4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the whitespace-separated index files of dataset layouts, with errors that name the file and the layout. */
final class LayoutFiles {

    private LayoutFiles() {
    }

    /**
     * A file of the layout, which must exist.
     *
     * @param dir    the dataset folder
     * @param name   the file's path inside it
     * @param layout the description of the expected layout, for the error
     * @return the file
     * @throws IOException if it or the folder is missing
     */
    static Path require(Path dir, String name, String layout) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("dataset folder " + dir + " does not exist; expected " + layout);
        }
        Path file = dir.resolve(name);
        if (!Files.exists(file)) {
            throw new IOException("missing " + file + "; expected " + layout);
        }
        return file;
    }

    /**
     * The rows of an index file: blank lines skipped, each row split on whitespace into at least {@code columns}
     * fields (a last field may not hold spaces).
     *
     * @param file    the file
     * @param columns the number of fields
     * @param header  whether the first line is a header to skip
     * @param layout  the description of the expected layout, for the error
     * @return the rows
     * @throws IOException if the file cannot be read, a row has too few fields or the header is missing
     */
    static List<Row> rows(Path file, int columns, boolean header, String layout) throws IOException {
        List<String> lines = Files.readAllLines(file);
        if (header && !lines.isEmpty() && lines.get(0).trim().matches("\\d+(\\s.*)?")) {
            throw new IOException(file + " line 1 ('" + lines.get(0).trim() + "') is a row, not the header the "
                    + "file starts with; restore the header line, expected " + layout);
        }
        List<Row> rows = new ArrayList<>();
        for (int i = header ? 1 : 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            Row row = new Row(file, i + 1, line.split("\\s+"));
            if (row.fields().length < columns) {
                throw row.error("it has " + row.fields().length + " fields ('" + line + "'), not " + columns,
                        layout);
            }
            rows.add(row);
        }
        return rows;
    }

    /**
     * One row of an index file.
     *
     * @param file   the file
     * @param line   its line number, from 1
     * @param fields its whitespace-separated fields
     */
    record Row(Path file, int line, String[] fields) {

        /**
         * A field that is an id, a positive integer.
         *
         * @param column the field's index
         * @param name   the field's name, for the error
         * @param layout the description of the expected layout, for the error
         * @return the id without leading zeros
         * @throws IOException if the field is not a positive integer
         */
        String id(int column, String name, String layout) throws IOException {
            String value = fields[column];
            if (value.matches("\\d{1,18}") && Long.parseLong(value) > 0) {
                return Long.toString(Long.parseLong(value));
            }
            throw error(name + " '" + value + "' is not a positive integer", layout);
        }

        /**
         * The error for a problem with this row.
         *
         * @param problem what is wrong
         * @param layout  the description of the expected layout
         * @return an exception naming the file, the line, the problem and the fix
         */
        IOException error(String problem, String layout) {
            return new IOException(file + " line " + line + ": " + problem + "; fix the line or restore the "
                    + "dataset's original file, expected " + layout);
        }
    }
}
