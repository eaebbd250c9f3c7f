package org.dml4j.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import org.dml4j.experiments.io.JsonFiles;
import org.dml4j.mlflow.LocalMlflowServer;
import org.dml4j.model.EmbeddingModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tribuo.Model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Data-parallel training on a real standalone cluster (a master and two one-core workers on loopback): two replicas
 * of 128 rows, tasks of one barrier stage in two executor JVMs, train the parameters one process trains with the same
 * 256-row batches, and {@code train --spark} tracks the run in MLflow like a local one.
 */
class SparkReplicaTrainingTest {

    /** 512 training rows (the CSV's stratified 80%): two 256-row batches an epoch, 6 steps in 3 epochs. */
    private static final List<String> OPTIONS = List.of("--network", "mlp:16,8", "--epochs", "3", "--batch-size",
            "256", "--m-per-class", "64", "--seed", "5");

    @TempDir
    static Path dir;
    private static LocalSparkCluster spark;
    private static MlflowTestServer mlflow;
    private static Path csv;

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        csv = ClusterCsv.write(dir, 640, 8);
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

    private static List<String> train(String name, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--dataset", "csv:" + csv, "--label-column", "species",
                "--quiet", "--json", "--model-out", dir.resolve(name + ".pb").toString(), "--events-out",
                dir.resolve(name + ".jsonl").toString()));
        args.addAll(OPTIONS);
        args.addAll(List.of(more));
        return args;
    }

    /**
     * Contrastive loss (all pairs, no miner) plus ProxyAnchor, whose proxies are the loss's own parameters (each
     * replica computes their gradient from the global batch), with plain SGD, whose steps follow the gradient's
     * scale: averaging the replicas' network gradients instead of adding them would halve each step.
     */
    @Test
    void trainOnTwoReplicasGivesTheParametersAndLossesOfOneProcessAndTracksTheRun() throws Exception {
        String[] sgd = {"--loss", "contrastive+proxy-anchor", "--optimizer", "sgd", "--lr", "0.3"};
        CliRun local = CliRun.of(train("local", sgd).toArray(String[]::new));
        assertEquals(0, local.exitCode(), local.all());
        List<String> onSpark = train("spark", sgd);
        onSpark.addAll(List.of("--spark", spark.masterUrl(), "--spark-home", spark.home().toString(), "--replicas",
                "2", "--spark-wait", "180", "--tracking-uri", mlflow.uri(), "--experiment", "replicas"));
        onSpark.remove("--quiet");
        CliRun replicas = CliRun.of(onSpark.toArray(String[]::new));
        assertEquals(0, replicas.exitCode(), replicas.all());
        assertTrue(replicas.err().contains("replica 1: 6 steps"), replicas.err());
        assertTrue(spark.executorLogs().contains("Finished task 1.0"), "the second replica ran in an executor");

        assertSameParameters(model("local"), model("spark"), 2e-5);
        List<Double> localLosses = epochLosses("local");
        List<Double> sparkLosses = epochLosses("spark");
        assertEquals(3, sparkLosses.size());
        assertTrue(localLosses.get(2) < localLosses.get(0), "training moved the parameters: " + localLosses);
        for (int e = 0; e < 3; e++) {
            assertEquals(localLosses.get(e), sparkLosses.get(e), 1e-5, "epoch " + (e + 1) + ": the loss of "
                    + "the global batch");
        }

        List<JsonNode> runs = mlflow.runs("replicas");
        assertEquals(1, runs.size());
        Map<String, Double> metrics = MlflowTestServer.metrics(runs.get(0));
        assertEquals(3.0, metrics.get("train/epochs"));
        assertEquals(sparkLosses.get(2), metrics.get("train/loss"), 1e-12);
        assertTrue(metrics.containsKey("map_at_r"), "the test metrics: " + metrics);
    }

    @Test
    void aMasterThatDoesNotAnswerIsAClearErrorWithinSeconds() {
        String silent = "spark://127.0.0.1:" + LocalMlflowServer.freePort(0);
        long start = System.nanoTime();
        CliRun run = CliRun.of(train("silent", "--spark", silent, "--spark-home", spark.home().toString(),
                "--spark-wait", "5").toArray(String[]::new));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(2, run.exitCode(), run.all());
        assertTrue(run.err().contains("The Spark master " + silent + " does not answer"), run.err());
        assertTrue(seconds < 20, "took " + seconds + " s");
    }

    /** A barrier stage needs every task running at once: Spark itself would retry for minutes before failing. */
    @Test
    void moreReplicasThanTheClusterGivesExecutorsIsAClearErrorWithinTheWait() {
        long start = System.nanoTime();
        CliRun run = CliRun.of(train("three", "--loss", "contrastive", "--spark", spark.masterUrl(), "--spark-home",
                spark.home().toString(), "--replicas", "3", "--spark-wait", "30").toArray(String[]::new));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(2, run.exitCode(), run.all());
        assertTrue(run.err().contains("The Spark master " + spark.masterUrl() + " gave this application "), run.err());
        assertTrue(run.err().contains("within 30 s"), run.err());
        assertTrue(seconds < 90, "took " + seconds + " s");
    }

    private static EmbeddingModel model(String name) throws IOException {
        return (EmbeddingModel) Model.deserializeFromFile(dir.resolve(name + ".pb"));
    }

    private static void assertSameParameters(EmbeddingModel expected, EmbeddingModel actual, double tolerance) {
        Map<String, INDArray> theirs = actual.network().parameters();
        for (Map.Entry<String, INDArray> p : expected.network().parameters().entrySet()) {
            double gap = p.getValue().sub(theirs.get(p.getKey())).amaxNumber().doubleValue();
            assertTrue(gap < tolerance, p.getKey() + " differs by " + gap);
        }
    }

    private static List<Double> epochLosses(String name) throws IOException {
        List<Double> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve(name + ".jsonl"))) {
            JsonNode event = JsonFiles.MAPPER.readTree(line);
            if (event.path("event").asText().equals("epoch")) {
                out.add(event.path("loss").asDouble());
            }
        }
        return out;
    }
}
