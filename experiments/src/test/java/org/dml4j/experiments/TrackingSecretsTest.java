package org.dml4j.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Secrets in the tracking URI and the environment (issue 23): a tracked {@code train}, as its own process against
 * an MLflow server with basic auth, authenticates with the URI's user-info, and neither the password nor the token
 * reaches an artifact, param, tag or run field on the server, a file it leaves behind, or its output.
 */
class TrackingSecretsTest {

    private static final String PASSWORD = "uri-password-4e9d1c";
    private static final String TOKEN = "env-token-a27f60";

    @TempDir
    Path dir;

    @Test
    void noSecretReachesTheRunTheDiskOrTheTerminal() throws IOException, InterruptedException {
        Path csv = ClusterCsv.write(dir);
        Path work = Files.createDirectories(dir.resolve("work"));
        try (MlflowTestServer mlflow = MlflowTestServer.startWithBasicAuth("admin", PASSWORD)) {
            String uri = mlflow.uri().replace("http://", "http://admin:" + PASSWORD + "@");
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx1g", "-Duser.home=" + work, "-cp", System.getProperty("java.class.path"),
                    Dml4jCommand.class.getName(), "train", "--dataset", "csv:" + csv, "--label-column", "species",
                    "--epochs", "1", "--batch-size", "32", "--m-per-class", "8", "--network", "mlp:16,4",
                    "--tracking-uri", uri, "--experiment", "secrets", "--run-name", "secrets", "--model-out",
                    work.resolve("model.dml4j").toString()));
            ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
                    .redirectOutput(dir.resolve("stdout.txt").toFile())
                    .redirectError(dir.resolve("stderr.txt").toFile());
            builder.environment().keySet().removeIf(key -> key.startsWith("MLFLOW_"));
            builder.environment().put("MLFLOW_TRACKING_TOKEN", TOKEN);
            Process train = builder.start();
            assertTrue(train.waitFor(5, TimeUnit.MINUTES), "train ends");
            String output = Files.readString(dir.resolve("stdout.txt")) + Files.readString(dir.resolve("stderr.txt"));
            assertEquals(0, train.exitValue(), output);
            assertTrue(output.contains("MLflow run: " + mlflow.uri() + "/#/experiments/"), output);

            List<JsonNode> runs = mlflow.runs("secrets");
            assertEquals(1, runs.size());
            assertEquals("FINISHED", runs.get(0).at("/info/status").asText(), "delivered with the URI's user-info");
            List<Path> stored = new ArrayList<>();
            try (Stream<Path> server = Files.walk(mlflow.directory().resolve("artifacts"));
                 Stream<Path> local = Files.walk(work)) {
                Stream.concat(server, local).filter(Files::isRegularFile).forEach(stored::add);
            }
            try (Stream<Path> database = Files.list(mlflow.directory())) {
                database.filter(p -> p.getFileName().toString().startsWith("mlflow.db")).forEach(stored::add);
            }
            Path args = stored.stream().filter(p -> p.endsWith(Path.of("cli", "args.json"))).findFirst().orElseThrow();
            assertTrue(Files.readString(args).contains("\"" + mlflow.uri() + "\""), Files.readString(args));
            assertTrue(stored.size() > 5, stored.toString());
            for (Path file : stored) {
                String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                assertFalse(content.contains(PASSWORD) || content.contains(TOKEN), file.toString());
            }
            String fields = runs.get(0).toString();
            assertFalse(fields.contains(PASSWORD) || fields.contains(TOKEN), fields);
            assertFalse(output.contains(PASSWORD) || output.contains(TOKEN), output);
        }
    }
}
