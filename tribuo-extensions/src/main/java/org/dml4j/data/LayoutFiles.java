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
     * @throws IOException if it is missing
     */
    static Path require(Path dir, String name, String layout) throws IOException {
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
     * @return the rows' fields
     * @throws IOException if the file cannot be read or a row has too few fields
     */
    static List<String[]> rows(Path file, int columns, boolean header, String layout) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<String[]> rows = new ArrayList<>();
        for (int i = header ? 1 : 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] fields = line.split("\\s+");
            if (fields.length < columns) {
                throw new IOException(file + " line " + (i + 1) + " has " + fields.length + " fields ('" + line
                        + "'), not " + columns + "; expected " + layout);
            }
            rows.add(fields);
        }
        return rows;
    }
}
