package org.dml4j.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs golden case files: a file in the {@code dml-golden} loss, miner or retrieval schema, or a folder searched
 * recursively for them (JSON files of other schemas in a folder, such as an index, are skipped). Each case gives one
 * {@link CaseResult}; a file that cannot be read or understood, or whose expected arrays do not have the shapes and
 * counts its inputs give, is a {@linkplain CaseResult#malformed malformed} result naming the file and the field.
 */
public final class ConformanceRunner {

    /** The schema of loss cases. */
    public static final String LOSS_SCHEMA = "dml-golden/loss/v1";
    /** The schema of miner cases. */
    public static final String MINER_SCHEMA = "dml-golden/miner/v1";
    /** The schema of retrieval cases. */
    public static final String RETRIEVAL_SCHEMA = "dml-golden/retrieval/v1";

    private final ObjectMapper mapper = new ObjectMapper();
    private final DataType precision;

    /**
     * @param precision the data type the computations run in: DOUBLE (tolerances of the float64 reference) or
     *                  FLOAT (1e-4 relative)
     */
    public ConformanceRunner(DataType precision) {
        if (precision != DataType.DOUBLE && precision != DataType.FLOAT) {
            throw new IllegalArgumentException("precision must be DOUBLE or FLOAT, found " + precision);
        }
        this.precision = precision;
    }

    /**
     * Runs every case under the given files and folders, in path order.
     *
     * @param paths case files or folders
     * @return one result per case
     */
    public List<CaseResult> run(List<Path> paths) {
        List<CaseResult> results = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                for (Path file : jsonFiles(path)) {
                    results.addAll(runFile(file, true));
                }
            } else {
                results.addAll(runFile(path, false));
            }
        }
        return results;
    }

    /**
     * The JSON files under a folder, sorted.
     *
     * @param folder the folder
     * @return the files
     */
    private static List<Path> jsonFiles(Path folder) {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(p -> p.toString().endsWith(".json") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }

    /**
     * Runs one case file.
     *
     * @param file          the file
     * @param skipForeign   skip (rather than fail) a JSON file of another schema
     * @return its results
     */
    private List<CaseResult> runFile(Path file, boolean skipForeign) {
        String name = file.getFileName().toString();
        JsonNode root;
        try {
            root = mapper.readTree(file.toFile());
        } catch (IOException e) {
            return List.of(CaseResult.malformed(name, "cannot read " + file + ": " + e.getMessage()));
        }
        String schema = root.path("schema").asText("");
        try {
            return switch (schema) {
                case LOSS_SCHEMA -> List.of(LossCaseCheck.run(root, precision));
                case MINER_SCHEMA -> MinerCaseCheck.run(root, precision);
                case RETRIEVAL_SCHEMA -> List.of(RetrievalCaseCheck.run(root, precision));
                default -> skipForeign ? List.of() : List.of(CaseResult.malformed(name, file
                        + " is not a dml-golden case file (schema '" + schema + "'); expected one of "
                        + List.of(LOSS_SCHEMA, MINER_SCHEMA, RETRIEVAL_SCHEMA)));
            };
        } catch (CaseFormatException | IllegalArgumentException e) {
            return List.of(CaseResult.malformed(root.path("case_id").asText(name), file + ": " + e.getMessage()));
        } catch (RuntimeException e) {
            // A bug in DML4J must fail this case, not the whole run.
            return List.of(CaseResult.failure(root.path("case_id").asText(name), "error in DML4J: " + e));
        }
    }
}
