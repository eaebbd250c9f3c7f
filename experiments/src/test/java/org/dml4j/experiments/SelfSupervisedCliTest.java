package org.dml4j.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dml4j train --mode self-supervised} end to end: real Fashion-MNIST rows, a real MLflow server. */
class SelfSupervisedCliTest {

    @TempDir
    Path dir;

    @Test
    void trainsSimclrOnFashionMnistAndTracksModeParamsCurvesAndProbe() throws IOException, InterruptedException {
        try (MlflowTestServer mlflow = MlflowTestServer.start()) {
            CliRun run = CliRun.of("train", "--mode", "self-supervised", "--train-limit", "300", "--eval-classes",
                    "0-2", "--epochs", "2", "--batch-size", "64", "--network", "mlp:64,32", "--projection-head",
                    "mlp:32,16", "--temperature", "0.2", "--lr", "0.003", "--no-full-ranking", "--quiet",
                    "--tracking-uri", mlflow.uri(), "--experiment", "ssl");
            assertEquals(0, run.exitCode(), run.all());
            assertTrue(run.lines().stream().anyMatch(l -> l.matches("linear_probe_accuracy +0\\.\\d+")), run.all());

            List<JsonNode> runs = mlflow.runs("ssl");
            assertEquals(1, runs.size());
            JsonNode tracked = runs.get(0);
            assertEquals("self-supervised", MlflowTestServer.tags(tracked).get("dml4j.mode"));
            Map<String, String> params = MlflowTestServer.params(tracked);
            assertTrue(params.entrySet().stream().anyMatch(e -> e.getKey().contains("selfSupervision.views")),
                    params.toString());
            assertTrue(params.values().stream().anyMatch(v -> v.contains("SelfSupervisedLoss")), params.toString());
            Map<String, Double> metrics = MlflowTestServer.metrics(tracked);
            // three classes: a probe on useful embeddings is well above chance (1/3)
            assertTrue(metrics.get("linear_probe_accuracy") > 0.5, metrics.toString());
            assertTrue(metrics.get("map_at_r") > 0, metrics.toString());
            int epochs = mlflow.get("metrics/get-history?run_id=" + tracked.at("/info/run_id").asText()
                    + "&metric_key=train/loss").path("metrics").size();
            assertEquals(2, epochs, "the loss curve has one point per epoch");
        }
    }

    @Test
    void optionsThatDoNotFitTheModeAreUserErrors() throws IOException {
        Path csv = ClusterCsv.write(dir);
        CliRun mode = CliRun.of("train", "--mode", "unsupervised");
        assertEquals(2, mode.exitCode(), mode.all());
        assertTrue(mode.err().contains("choose one of supervised, self-supervised"), mode.err());
        CliRun miner = CliRun.of("train", "--dataset", "csv:" + csv, "--label-column", "species", "--mode",
                "self-supervised", "--views", "noise:0.2", "--miner", "hard");
        assertEquals(2, miner.exitCode(), miner.all());
        assertTrue(miner.err().contains("--miner hard does not apply to --mode self-supervised"), miner.err());
        CliRun views = CliRun.of("train", "--dataset", "csv:" + csv, "--label-column", "species", "--mode",
                "self-supervised");
        assertEquals(2, views.exitCode(), views.all());
        assertTrue(views.err().contains("--views augments square images") && views.err().contains("noise"),
                views.err());
        CliRun loss = CliRun.of("train", "--dataset", "csv:" + csv, "--label-column", "species", "--mode",
                "self-supervised", "--views", "noise", "--loss", "arcface");
        assertEquals(2, loss.exitCode(), loss.all());
        assertTrue(loss.err().contains("--loss arcface cannot compare two views"), loss.err());
    }
}
