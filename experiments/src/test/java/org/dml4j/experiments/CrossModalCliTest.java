package org.dml4j.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import org.dml4j.crossmodal.TwoTowerModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dml4j train --mode cross-modal} end to end: a generated paired CSV (modality A: 6 features, modality B: 8 × 8
 * images), an MLP and a CNN tower, a real MLflow server; and each bad input as a one-line user error.
 */
class CrossModalCliTest {

    @TempDir
    Path dir;

    /** 4 classes; A a noisy class centre, B a noisy class pattern image; the label column "label". */
    private Path pairsCsv(String name, int rows, int widthB, boolean withB) throws IOException {
        Random rng = new Random(rows);
        Random patterns = new Random(5);
        StringBuilder sb = new StringBuilder("label");
        for (int k = 0; k < 6; k++) {
            sb.append(",a_").append(k);
        }
        for (int k = 0; withB && k < widthB; k++) {
            sb.append(",b_").append(k);
        }
        double[][] centres = new double[4][6];
        double[][] images = new double[4][widthB];
        for (int c = 0; c < 4; c++) {
            for (int k = 0; k < 6; k++) {
                centres[c][k] = 2 * patterns.nextGaussian();
            }
            for (int k = 0; k < widthB; k++) {
                images[c][k] = patterns.nextDouble() < 0.3 ? 1 : 0;
            }
        }
        for (int i = 0; i < rows; i++) {
            int c = i % 4;
            sb.append('\n').append("class").append(c);
            for (int k = 0; k < 6; k++) {
                sb.append(',').append(centres[c][k] + 0.8 * rng.nextGaussian());
            }
            for (int k = 0; withB && k < widthB; k++) {
                sb.append(',').append(images[c][k] + 0.4 * rng.nextGaussian());
            }
        }
        return Files.writeString(dir.resolve(name), sb.append('\n').toString());
    }

    @Test
    void trainsTwoTowersAndTracksModeCurvesBothDirectionsAndModel() throws IOException, InterruptedException {
        Path train = pairsCsv("train.csv", 160, 64, true);
        Path test = pairsCsv("test.csv", 60, 64, true);
        Path model = dir.resolve("two-tower.dml4j");
        try (MlflowTestServer mlflow = MlflowTestServer.start()) {
            CliRun run = CliRun.of("train", "--mode", "cross-modal", "--pairs-csv", train.toString(),
                    "--eval-pairs-csv", test.toString(), "--class-column", "label", "--tower-a", "mlp:16,8",
                    "--tower-b", "cnn:4,8:image=1x8x8", "--epochs", "4", "--batch-size", "32", "--lr", "0.01",
                    "--validation-fraction", "0.25", "--model-out", model.toString(), "--quiet",
                    "--tracking-uri", mlflow.uri(), "--experiment", "xm");
            assertEquals(0, run.exitCode(), run.all());
            assertTrue(run.lines().stream().anyMatch(l -> l.matches("a_to_b/map_at_r +0\\.\\d+")), run.all());
            assertTrue(run.lines().stream().anyMatch(l -> l.matches("b_to_a/recall_at_1 +[01]\\.\\d+")), run.all());

            List<JsonNode> runs = mlflow.runs("xm");
            assertEquals(1, runs.size());
            JsonNode tracked = runs.get(0);
            String runId = tracked.at("/info/run_id").asText();
            assertEquals("cross-modal", MlflowTestServer.tags(tracked).get("dml4j.mode"));
            Map<String, String> params = MlflowTestServer.params(tracked);
            assertTrue(params.values().stream().anyMatch(v -> v.contains("CnnSpec"))
                    && params.keySet().stream().anyMatch(k -> k.contains("towerA")), params.toString());
            Map<String, Double> metrics = MlflowTestServer.metrics(tracked);
            for (String direction : List.of("a_to_b", "b_to_a")) {
                // 4 classes of 15 test pairs: chance MAP@R is about 0.25
                assertTrue(metrics.get(direction + "/map_at_r") > 0.5, metrics.toString());
                assertTrue(metrics.containsKey(direction + "/recall_at_1"), metrics.toString());
            }
            assertTrue(metrics.get("temperature") > 0.01 && metrics.get("temperature") < 1, metrics.toString());
            for (String curve : List.of("train/loss", "val/a_to_b/map_at_r", "val/b_to_a/map_at_r")) {
                int points = mlflow.get("metrics/get-history?run_id=" + runId + "&metric_key=" + curve)
                        .path("metrics").size();
                assertEquals(4, points, curve + " has one point per epoch");
            }
            String experimentId = tracked.at("/info/experiment_id").asText();
            JsonNode models = mlflow.post("logged-models/search", "{\"experiment_ids\": [\"" + experimentId
                    + "\"]}");
            assertTrue(models.toString().contains(runId), "the model is logged with the run: " + models);
        }
        TwoTowerModel loaded = (TwoTowerModel) Model.deserializeFromFile(model);
        assertEquals(8, loaded.embeddingSize());
    }

    @Test
    void badInputIsAOneLineUserError() throws IOException {
        Path train = pairsCsv("train.csv", 40, 64, true);
        CliRun noData = CliRun.of("train", "--mode", "cross-modal");
        assertEquals(2, noData.exitCode(), noData.all());
        assertTrue(noData.err().contains("give either --pairs-csv FILE or --pairs FILE"), noData.err());

        Path onlyA = pairsCsv("only-a.csv", 40, 64, false);
        CliRun missing = CliRun.of("train", "--mode", "cross-modal", "--pairs-csv", onlyA.toString(),
                "--class-column", "label");
        assertEquals(2, missing.exitCode(), missing.all());
        assertTrue(missing.err().contains(onlyA + " has no feature of modality B"), missing.err());

        Path narrow = pairsCsv("narrow.csv", 40, 12, true);
        CliRun width = CliRun.of("train", "--mode", "cross-modal", "--pairs-csv", narrow.toString(), "--class-column",
                "label", "--tower-a",
                "mlp:16,8", "--tower-b", "cnn:4,8:image=1x8x8", "--epochs", "1", "--batch-size", "8");
        assertEquals(2, width.exitCode(), width.all());
        assertTrue(width.err().contains("towerB") && width.err().contains("12 features b_0..b_11"), width.err());

        Path a = Files.writeString(dir.resolve("a.csv"), "id,a_0\nx1,1\nx2,2\nx3,3\nx4,4\nx5,5\n");
        Path b = Files.writeString(dir.resolve("b.csv"), "id,b_0\ny1,1\ny2,2\ny3,3\ny4,4\ny5,5\n");
        Path pairs = Files.writeString(dir.resolve("pairs.csv"), "a_id,b_id\nx1,y1\nx2,y7\n");
        CliRun unknown = CliRun.of("train", "--mode", "cross-modal", "--pairs", pairs.toString(), "--a-features",
                a.toString(), "--b-features", b.toString());
        assertEquals(2, unknown.exitCode(), unknown.all());
        assertTrue(unknown.err().contains(pairs + " line 3, column 'b_id': the id 'y7' is not an id of " + b),
                unknown.err());
        assertTrue(unknown.err().lines().noneMatch(l -> l.strip().startsWith("at ")), "no stack trace");

        CliRun towers = CliRun.of("train", "--mode", "cross-modal", "--pairs-csv", train.toString(), "--class-column",
                "label", "--tower-a",
                "mlp:16,8", "--tower-b", "mlp:16,4");
        assertEquals(2, towers.exitCode(), towers.all());
        assertTrue(towers.err().contains("same space"), towers.err());
    }

    @Test
    void theSweepEngineSearchesCrossModalOptions() throws IOException {
        Path train = pairsCsv("sweep.csv", 120, 64, true);
        Path sweep = Files.writeString(dir.resolve("sweep.json"), """
                {"base": {"mode": "cross-modal", "pairs-csv": "%s", "class-column": "label", "tower-a": "mlp:16,8",
                          "tower-b": "mlp:16,8", "epochs": 2, "batch-size": 32, "lr": 0.01,
                          "validation-fraction": 0.25, "seed": 1},
                 "space": {"initial-temperature": [0.05, 0.2]}, "search": "grid", "parallel": 1,
                 "metric": "b_to_a/map_at_r"}
                """.formatted(train));
        CliRun run = CliRun.of("sweep", sweep.toString());
        assertEquals(0, run.exitCode(), run.all());
        assertTrue(run.lines().stream().anyMatch(l -> l.startsWith("best: trial")), run.all());
        assertEquals(2, run.lines().stream().filter(l -> l.matches("[ *] +\\d+ .*")).count(), run.all());
        assertTrue(run.all().contains("initial-temperature"), run.all());
    }
}
