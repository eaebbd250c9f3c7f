package org.dml4j.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import org.dml4j.experiments.io.JsonFiles;
import org.dml4j.mlflow.LocalMlflowServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dml4j sweep --spark} on a real standalone cluster (a master and two one-core workers on loopback, started
 * once for the class) with a real MLflow server: trials run as tasks in the executor JVMs, each trial a nested run of
 * the sweep's run, with the same results as the same sweep in this JVM, even when an executor is lost mid-trial.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkSweepTest {

    @TempDir
    static Path dir;
    private static LocalSparkCluster spark;
    private static MlflowTestServer mlflow;
    private static Path sweep;

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        Path csv = ClusterCsv.write(dir);
        sweep = dir.resolve("sweep.json");
        Files.writeString(sweep, """
                {"base": {"dataset": "csv:%s", "label-column": "species", "network": "mlp:16,4", "epochs": 2,
                          "batch-size": 32, "m-per-class": 8, "validation-fraction": 0.25, "seed": 3},
                 "space": {"lr": [0.003, 0.03], "loss": ["triplet", "contrastive"]},
                 "search": "grid", "metric": "map_at_r"}
                """.formatted(csv));
        spark = LocalSparkCluster.start(2);
        mlflow = MlflowTestServer.start();
    }

    @AfterAll
    static void stop() {
        if (mlflow != null) {
            mlflow.close();
        }
        if (spark != null) {
            spark.close();
        }
    }

    @Test
    @Order(1)
    void aSweepOnTheClusterLosingAnExecutorGivesTheLocalResultsAndOneNestedRunPerTrial() throws Exception {
        CliRun local = CliRun.of("sweep", sweep.toString(), "--json", "--quiet");
        assertEquals(0, local.exitCode(), local.all());
        CompletableFuture<CliRun> sweeping = CompletableFuture.supplyAsync(() -> CliRun.of("sweep", sweep.toString(),
                "--json", "--quiet", "--spark", spark.masterUrl(), "--spark-home", spark.home().toString(),
                "--tracking-uri", mlflow.uri(), "--experiment", "spark"));
        // a machine lost mid-trial: Spark retries the task on another executor
        assertTrue(spark.killAnExecutorWithATask(Duration.ofSeconds(120)), "no executor got a task");
        CliRun onSpark = sweeping.get(5, TimeUnit.MINUTES);
        assertEquals(0, onSpark.exitCode(), onSpark.all());
        assertTrue(spark.executorLogs().contains("Running task 0.1 in stage"), "a retried task attempt");

        Map<Integer, JsonNode> expected = trials(local);
        Map<Integer, JsonNode> actual = trials(onSpark);
        assertEquals(4, expected.size());
        for (int trial : expected.keySet()) {
            JsonNode want = expected.get(trial);
            JsonNode got = actual.get(trial);
            assertEquals("completed", got.path("state").asText(), got.toString());
            assertEquals(want.path("values"), got.path("values"));
            assertEquals(want.path("epochs").asInt(), got.path("epochs").asInt(), "trial " + trial);
            assertEquals(want.path("objective").asDouble(), got.path("objective").asDouble(), 0.0,
                    "trial " + trial + ": the same seeds give the same validation MAP@R");
        }

        // the tasks ran in the executor JVMs
        assertTrue(spark.executorLogs().contains("Finished task"), spark.executorLogs());

        List<JsonNode> runs = mlflow.runs("spark");
        assertEquals(5, runs.size(), "one parent and one run per trial, none for the lost attempt");
        List<JsonNode> parents = runs.stream()
                .filter(r -> !MlflowTestServer.tags(r).containsKey("mlflow.parentRunId")).toList();
        assertEquals(1, parents.size());
        String parentId = parents.get(0).at("/info/run_id").asText();
        Set<String> trialTags = runs.stream().filter(r -> r != parents.get(0)).map(r -> {
            assertEquals(parentId, MlflowTestServer.tags(r).get("mlflow.parentRunId"));
            Map<String, Double> metrics = MlflowTestServer.metrics(r);
            int number = Integer.parseInt(MlflowTestServer.tags(r).get(SweepTracking.TRIAL_TAG));
            assertEquals(actual.get(number).path("objective").asDouble(), metrics.get("sweep/objective"), 0.0);
            assertTrue(metrics.containsKey("val/map_at_r"), "the trial's curve: " + metrics);
            return MlflowTestServer.tags(r).get(SweepTracking.TRIAL_TAG);
        }).collect(Collectors.toSet());
        assertEquals(Set.of("1", "2", "3", "4"), trialTags);
    }

    /**
     * The README's {@code spark-submit} line: the CLI's own classes as the application jar, its libraries through
     * {@code --jars} (so the executors fetch them from the driver instead of an extra classpath), the same results.
     */
    @Test
    @Order(2)
    void theSameSweepThroughSparkSubmitGivesTheLocalResults() throws Exception {
        List<Path> jars = new ArrayList<>();
        Path app = null;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (path.endsWith("test-classes") || Files.exists(spark.home().resolve("jars").resolve(path.getFileName()))) {
                continue; // the tests' own classes, and the jars the distribution brings
            }
            Path jar = Files.isDirectory(path) ? TestJars.of(path, dir.resolve("jars")) : path;
            if (path.equals(Path.of("target", "classes").toAbsolutePath())) {
                app = jar;
            } else {
                jars.add(jar);
            }
        }
        List<String> command = List.of(spark.home().resolve("bin").resolve("spark-submit").toString(),
                "--master", spark.masterUrl(), "--class", Dml4jCommand.class.getName(), "--jars",
                jars.stream().map(Path::toString).collect(Collectors.joining(",")),
                "--conf", "spark.task.cpus=1", "--driver-memory", "1g", String.valueOf(app),
                "sweep", sweep.toString(), "--json", "--quiet", "--spark", spark.masterUrl());
        Process submit = new ProcessBuilder(command).redirectError(dir.resolve("submit.log").toFile()).start();
        String out = new String(submit.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(submit.waitFor(5, TimeUnit.MINUTES), "spark-submit did not end");
        assertEquals(0, submit.exitValue(), out + Files.readString(dir.resolve("submit.log")));

        Map<Integer, JsonNode> local = trials(CliRun.of("sweep", sweep.toString(), "--json", "--quiet"));
        Map<Integer, JsonNode> submitted = trials(List.of(out.split("\n")));
        assertEquals(local.keySet(), submitted.keySet());
        local.forEach((trial, want) -> assertEquals(want.path("objective").asDouble(),
                submitted.get(trial).path("objective").asDouble(), 0.0, "trial " + trial));
    }

    @Test
    void aMasterThatDoesNotAnswerIsAClearErrorWithinSeconds() {
        String silent = "spark://127.0.0.1:" + LocalMlflowServer.freePort(0);
        long start = System.nanoTime();
        CliRun run = CliRun.of("sweep", sweep.toString(), "--quiet", "--spark", silent, "--spark-home",
                spark.home().toString(), "--spark-wait", "5");
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(2, run.exitCode(), run.all());
        assertTrue(run.err().contains("The Spark master " + silent + " does not answer"), run.err());
        assertTrue(seconds < 20, "took " + seconds + " s");
    }

    /** Last: the abandoned start goes on in the background for Spark's minute, and would stop Spark's shared state. */
    @Test
    @Order(Integer.MAX_VALUE)
    void aMasterThatAcceptsButNeverAnswersIsAClearErrorWithinTheWait() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String master = "spark://127.0.0.1:" + silent.getLocalPort();
            long start = System.nanoTime();
            CliRun run = CliRun.of("sweep", sweep.toString(), "--quiet", "--spark", master, "--spark-home",
                    spark.home().toString(), "--spark-wait", "5");
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(2, run.exitCode(), run.all());
            assertTrue(run.err().contains("The Spark master " + master + " did not register this application within "
                    + "5 s"), run.err());
            assertTrue(seconds < 20, "took " + seconds + " s");
        }
    }

    /**
     * Successive halving decides on the curves alone, so the cluster must stop the same trials at the same epochs as
     * one JVM does; the stops reach the running tasks through the heartbeats (the executors kill them mid-training).
     */
    @Test
    @Order(3)
    void successiveHalvingOnTheClusterStopsTheTrialsTheLocalSweepStops() throws Exception {
        Path halving = dir.resolve("halving.json");
        Files.writeString(halving, Files.readString(sweep).replace("\"epochs\": 2", "\"epochs\": 200")
                .replace("\"search\": \"grid\"", "\"search\": \"grid\", \"early_stopping\": {\"rule\": \"halving\", "
                        + "\"min_epochs\": 1, \"reduction_factor\": 2}"));
        Map<Integer, JsonNode> local = trials(CliRun.of("sweep", halving.toString(), "--json", "--quiet"));
        CliRun onSpark = CliRun.of("sweep", halving.toString(), "--json", "--quiet", "--spark", spark.masterUrl(),
                "--spark-home", spark.home().toString(), "--tracking-uri", mlflow.uri(), "--experiment", "halving");
        assertEquals(0, onSpark.exitCode(), onSpark.all());
        Map<Integer, JsonNode> actual = trials(onSpark);
        assertEquals(local.keySet(), actual.keySet());
        int stopped = 0;
        for (int trial : local.keySet()) {
            JsonNode want = local.get(trial);
            JsonNode got = actual.get(trial);
            for (String field : List.of("state", "epochs", "stopped")) {
                assertEquals(want.path(field), got.path(field), "trial " + trial + ": " + field);
            }
            assertEquals(want.path("objective").asDouble(), got.path("objective").asDouble(), 0.0, "trial " + trial);
            stopped += "pruned".equals(got.path("state").asText()) ? 1 : 0;
        }
        assertTrue(stopped >= 1 && stopped < local.size(), "halving stopped some trials but not all: " + stopped);
        assertTrue(spark.executorLogs().contains("Executor is trying to kill"),
                "a stopped trial's task was killed while it trained");

        for (JsonNode run : mlflow.runs("halving")) {
            Map<String, String> tags = MlflowTestServer.tags(run);
            if ("pruned".equals(tags.get(SweepTracking.STATE_TAG))) {
                int at = Integer.parseInt(tags.get(SweepTracking.STOPPED_AT_TAG));
                assertEquals(at, mlflow.history(run.at("/info/run_id").asText(), "val/map_at_r").size(),
                        "the trial's curve ends at its stop");
            }
        }
    }

    private static Map<Integer, JsonNode> trials(CliRun run) throws IOException {
        return trials(run.lines());
    }

    private static Map<Integer, JsonNode> trials(List<String> lines) throws IOException {
        Map<Integer, JsonNode> out = new TreeMap<>();
        JsonFiles.MAPPER.readTree(String.join("\n", lines)).path("trials")
                .forEach(t -> out.put(t.path("trial").asInt(), t));
        return out;
    }
}
