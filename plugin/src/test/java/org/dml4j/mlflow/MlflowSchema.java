package org.dml4j.mlflow;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MLflow's own REST schema, from the generated code of a real MLflow installation, through
 * {@code mlflow_schema.py} (a test resource) run in that installation's venv.
 */
final class MlflowSchema {

    private final Path python;
    private final Path script;

    private MlflowSchema(Path python, Path script) {
        this.python = python;
        this.script = script;
    }

    /**
     * The schema of an MLflow installed by {@code scripts/mlflow-server.sh}.
     *
     * @param directory a temporary directory for the script
     * @param pinned    true for the pinned server ({@code .venv}); false for the version under test
     *                  ({@link MlflowServer#versionUnderTest()})
     * @return the schema
     */
    static MlflowSchema of(Path directory, boolean pinned) {
        try {
            ProcessBuilder builder = new ProcessBuilder("bash", "../scripts/mlflow-server.sh", "install");
            if (pinned) {
                builder.environment().remove("DML4J_MLFLOW_VERSION");
            }
            String mlflow = run(builder).strip();
            Path script = directory.resolve("mlflow_schema.py");
            try (InputStream in = MlflowSchema.class.getResourceAsStream("mlflow_schema.py")) {
                Files.write(script, in.readAllBytes());
            }
            return new MlflowSchema(Path.of(mlflow).resolveSibling("python"), script);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs {@code mlflow_schema.py} with arguments.
     *
     * @param arguments e.g. {@code descriptors /tmp/out.bin}
     */
    void run(String... arguments) {
        List<String> command = new ArrayList<>(List.of(python.toString(), script.toString()));
        command.addAll(List.of(arguments));
        run(new ProcessBuilder(command));
    }

    private static String run(ProcessBuilder builder) {
        try {
            Process process = builder.redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(process.getInputStream().readAllBytes());
            assertTrue(process.waitFor(10, TimeUnit.MINUTES), builder.command() + " finishes");
            assertEquals(0, process.exitValue(), builder.command() + ": " + out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
