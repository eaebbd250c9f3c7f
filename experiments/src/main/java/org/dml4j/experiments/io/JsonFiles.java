package org.dml4j.experiments.io;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;

/** Writes the JSON files commands produce (metrics, per-query results, summaries), pretty-printed. */
public final class JsonFiles {

    /** The shared mapper. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonFiles() {
    }

    /**
     * Writes a value as pretty-printed JSON.
     *
     * @param file  the file
     * @param value a Jackson-serializable value
     * @throws UserError when the file cannot be written
     */
    public static void write(Path file, Object value) {
        try {
            MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), value);
        } catch (IOException e) {
            throw new UserError("Cannot write " + file + ": " + e.getMessage() + ". Check that its folder exists "
                    + "and is writable.", e);
        }
    }
}
