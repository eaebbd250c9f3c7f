package org.dml4j.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import org.dml4j.train.RunEnd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the MLflow server command line of {@code docker/compose.yaml}'s mlflow service, as compose would interpolate
 * it from {@code docker/.env.example} (secrets replaced by random ones), against a real PostgreSQL started for the
 * test ({@code scripts/throwaway-postgres.sh}) — so a wrong flag, driver or store URI in the shipped file fails here.
 * Only what cannot exist outside Docker is swapped: the listen address and port (loopback, a free one), the database
 * host ({@code postgres:5432} becomes the throwaway cluster) and the artifact destination (a local folder instead
 * of MinIO's bucket). The host check ({@code --allowed-hosts}) is exercised with the Host header the trainer
 * containers send.
 */
class ComposeServerTest {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path temp;

    @Test
    void theStacksServerCommandTracksARunInPostgresql() throws Exception {
        ComposeFile compose = ComposeFile.load();
        Map<String, String> env = withRandomSecrets(ComposeFile.envExample());
        // Not under @TempDir: the cluster's folder must be reachable by the user PostgreSQL runs as (nobody).
        Path pgDir = Files.createTempDirectory("dml4j-compose-postgres");
        int pgPort = LocalMlflowServer.freePort(0);
        LocalMlflowServer server = null;
        try {
            postgres(env, "start", pgDir.toString(), String.valueOf(pgPort), env.get("POSTGRES_USER"),
                    env.get("POSTGRES_DB"));
            int port = LocalMlflowServer.freePort(0);
            Path artifacts = temp.resolve("artifacts");
            List<String> command = serverCommand(compose, env, port, pgPort, artifacts);
            Map<String, String> serverEnv = new LinkedHashMap<>();
            compose.environment("mlflow").forEach((k, v) -> serverEnv.put(k, ComposeFile.interpolate(v, env)));
            server = LocalMlflowServer.ofCommand(command, temp.resolve("server"), port, serverEnv);
            server.start(false);

            assertEquals(200, status(port, "mlflow:5000"), "the trainer containers' Host header is refused");
            assertEquals(403, status(port, "attacker.example:5000"), "MLflow's host check is off");

            RunInfo run = trackRun(server.uri());
            assertTrue(Files.isRegularFile(artifacts.resolve(run.experimentId()).resolve(run.runId())
                    .resolve("artifacts").resolve("eval").resolve("sample.bin")),
                    "the artifact proxy did not store into --artifacts-destination");
            assertEquals("FINISHED", postgres(env, "psql", String.valueOf(pgPort), env.get("POSTGRES_USER"),
                    env.get("POSTGRES_DB"), "select status from runs where run_uuid = '" + run.runId() + "'").trim(),
                    "the run is not in PostgreSQL");
        } catch (AssertionError | RuntimeException e) {
            if (server != null) {
                e.addSuppressed(new AssertionError("mlflow server log:\n" + server.log()));
            }
            throw e;
        } finally {
            if (server != null) {
                server.stop();
            }
            postgres(env, "stop", pgDir.toString());
            deleteTree(pgDir);
        }
    }

    /**
     * The mlflow service's command, interpolated, with the venv's mlflow and only the Docker-bound values swapped.
     */
    private static List<String> serverCommand(ComposeFile compose, Map<String, String> env, int port, int pgPort,
                                              Path artifacts) throws IOException, InterruptedException {
        List<String> shipped = compose.command("mlflow").stream().map(arg -> ComposeFile.interpolate(arg, env))
                .toList();
        assertEquals(List.of("mlflow", "server"), shipped.subList(0, 2));
        String pgHost = "@postgres:5432/";
        Map<String, UnaryOperator<String>> swaps = Map.of(
                "--host", value -> "127.0.0.1",
                "--port", value -> String.valueOf(port),
                "--backend-store-uri", value -> {
                    assertTrue(value.contains(pgHost), "the store is not the postgres service: " + value);
                    return value.replace(pgHost, "@127.0.0.1:" + pgPort + "/");
                },
                "--artifacts-destination", value -> {
                    assertTrue(value.startsWith("s3://" + env.get("MLFLOW_BUCKET") + "/"), "not the bucket: " + value);
                    return artifacts.toString();
                });
        List<String> command = new ArrayList<>(List.of(mlflowExecutable(), "server"));
        Set<String> swapped = new HashSet<>();
        for (int i = 2; i < shipped.size(); i++) {
            command.add(shipped.get(i));
            UnaryOperator<String> swap = swaps.get(shipped.get(i));
            if (swap != null) {
                command.add(swap.apply(shipped.get(++i)));
                swapped.add(shipped.get(i - 1));
            }
        }
        assertEquals(swaps.keySet(), swapped, "compose.yaml's mlflow command lacks an option");
        return command;
    }

    /** Tracks a short simulated run with an artifact through the plugin and reads it back. */
    private RunInfo trackRun(String uri) throws IOException {
        MlflowRestClient client = new MlflowRestClient(MlflowConnection.of(uri));
        MlflowTracker tracker = new MlflowTracker(client, TrackerOptions.forExperiment("compose-stack-test")
                .withSpoolRoot(temp.resolve("spool")));
        tracker.onRunStart(SimulatedTraining.start("compose-stack", Map.of()));
        SimulatedTraining.epochs(tracker, 1, 2);
        tracker.onRunEnd(new RunEnd(null, Map.of(), 2, 1.0));
        tracker.logResults(Map.of("precision_at_1", 0.5), DatasetInput.TEST, 2);
        byte[] bytes = new byte[3000];
        new Random(7).nextBytes(bytes);
        tracker.logArtifact("eval/sample.bin", Files.write(temp.resolve("sample.bin"), bytes));
        TrackingOutcome outcome = tracker.finish();
        assertTrue(outcome.delivered(), outcome.message());

        RunInfo run = client.findRunByTag(client.experimentId("compose-stack-test"), MlflowKeys.CLIENT_RUN_ID_TAG,
                tracker.clientRunId()).orElseThrow();
        JsonNode stored = client.getRun(run.runId());
        assertEquals("FINISHED", stored.path("info").path("status").asText());
        assertEquals(List.of(1L, 2L), TrackedRunTest.steps(client, run, "train/loss"));
        assertEquals(0.5, client.metricHistory(run.runId(), "precision_at_1").get(0).value(), 1e-12);
        assertArrayEquals(bytes, client.downloadArtifact(run, "eval/sample.bin"));
        return run;
    }

    /** The HTTP status of an API call sent with a given Host header (java.net.http does not let a caller set it). */
    private static int status(int port, String hostHeader) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/2.0/mlflow/experiments/get-by-name?experiment_name=Default HTTP/1.1\r\n"
                    + "Host: " + hostHeader + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String statusLine = new String(in.readNBytes(12), StandardCharsets.US_ASCII);  // "HTTP/1.1 200"
            return Integer.parseInt(statusLine.substring(9, 12));
        }
    }

    /** The example's values, with every password and secret replaced by a random one (as a real .env has). */
    private static Map<String, String> withRandomSecrets(Map<String, String> example) {
        Map<String, String> env = new HashMap<>(example);
        Random random = new Random();
        env.replaceAll((key, value) -> key.matches(".*(PASSWORD|SECRET).*")
                ? "t-" + Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()) : value);
        return env;
    }

    /** Runs scripts/throwaway-postgres.sh with the password in PGPASSWORD; returns its output. */
    private static String postgres(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", REPO.resolve("scripts/throwaway-postgres.sh")
                .toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", env.get("POSTGRES_PASSWORD"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "throwaway-postgres.sh " + args[0] + " hangs");
        assertEquals(0, process.exitValue(), "throwaway-postgres.sh " + args[0] + " failed:\n" + output);
        return output;
    }

    /** The pinned MLflow in the project's .venv (installed by scripts/mlflow-server.sh if needed). */
    private static String mlflowExecutable() throws IOException, InterruptedException {
        Process process = new ProcessBuilder("bash", REPO.resolve("scripts/mlflow-server.sh").toString(), "install")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(process.waitFor(10, TimeUnit.MINUTES) && process.exitValue() == 0, "mlflow-server.sh install");
        return output.substring(output.lastIndexOf('\n') + 1);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
