package org.dml4j.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The commands that track in or read from MLflow, against a real local MLflow server. */
class TrackedCommandsTest {

    @TempDir
    static Path dir;
    private static Path csv;
    private static MlflowTestServer mlflow;

    @BeforeAll
    static void start() throws IOException {
        csv = ClusterCsv.write(dir);
        mlflow = MlflowTestServer.start();
    }

    @AfterAll
    static void stop() {
        if (mlflow != null) {
            mlflow.close();
        }
    }

    @Test
    void aSweepOfFourTrialsGivesNestedRunsAndTagsTheBest() throws IOException, InterruptedException {
        Path sweep = dir.resolve("sweep.json");
        Files.writeString(sweep, """
                {"base": {"dataset": "csv:%s", "label-column": "species", "network": "mlp:16,4", "epochs": 3,
                          "batch-size": 32, "m-per-class": 8, "validation-fraction": 0.25, "seed": 2},
                 "space": {"lr": [0.003, 0.03], "loss": ["triplet", "contrastive"]},
                 "search": "grid", "parallel": 2, "metric": "map_at_r",
                 "early_stopping": {"rule": "median", "grace_epochs": 1, "min_trials": 2}}
                """.formatted(csv));
        Path summary = dir.resolve("summary.json");
        CliRun run = CliRun.of("sweep", sweep.toString(), "--tracking-uri", mlflow.uri(), "--experiment", "sweeps",
                "--summary-out", summary.toString());
        assertEquals(0, run.exitCode(), run.all());
        assertTrue(run.lines().stream().anyMatch(l -> l.startsWith("best: trial")), run.all());
        assertEquals(4, run.lines().stream().filter(l -> l.matches("[ *] +\\d+ .*")).count(), run.all());

        List<JsonNode> runs = mlflow.runs("sweeps");
        assertEquals(5, runs.size());
        List<JsonNode> parents = runs.stream().filter(r -> !MlflowTestServer.tags(r).containsKey("mlflow.parentRunId"))
                .toList();
        assertEquals(1, parents.size());
        JsonNode parent = parents.get(0);
        String parentId = parent.at("/info/run_id").asText();
        assertEquals("FINISHED", parent.at("/info/status").asText());
        assertEquals("grid", MlflowTestServer.params(parent).get("sweep.search"));

        Set<String> combinations = new HashSet<>();
        String best = null;
        double bestObjective = Double.NEGATIVE_INFINITY;
        double completedMax = Double.NEGATIVE_INFINITY;
        for (JsonNode child : runs) {
            if (child == parent) {
                continue;
            }
            Map<String, String> tags = MlflowTestServer.tags(child);
            Map<String, String> params = MlflowTestServer.params(child);
            Map<String, Double> metrics = MlflowTestServer.metrics(child);
            assertEquals(parentId, tags.get("mlflow.parentRunId"));
            combinations.add(params.get("trial.lr") + "/" + params.get("trial.loss"));
            assertEquals(params.get("trial.lr"), params.get("trainer.learningRate"));
            assertTrue(metrics.containsKey("val/map_at_r") && metrics.containsKey("sweep/objective")
                    && metrics.containsKey("train/loss"), metrics.toString());
            String state = tags.get(SweepTracking.STATE_TAG);
            assertEquals(state.equals("pruned") ? "KILLED" : "FINISHED", child.at("/info/status").asText(), state);
            if (state.equals("completed")) {
                completedMax = Math.max(completedMax, metrics.get("sweep/objective"));
                int epochs = mlflow.get("metrics/get-history?run_id=" + child.at("/info/run_id").asText()
                        + "&metric_key=val/map_at_r").path("metrics").size();
                assertEquals(3, epochs);
            }
            if ("true".equals(tags.get(SweepTracking.BEST_TAG))) {
                assertEquals(null, best, "one best trial");
                best = child.at("/info/run_id").asText();
                bestObjective = metrics.get("sweep/objective");
            }
        }
        assertEquals(Set.of("0.003/triplet", "0.003/contrastive", "0.03/triplet", "0.03/contrastive"),
                combinations);
        assertEquals(completedMax, bestObjective);
        assertEquals(best, MlflowTestServer.params(parent).get("sweep.best_run_id"));
        assertEquals(bestObjective, MlflowTestServer.metrics(parent).get("best/map_at_r"));
        JsonNode json = JsonFiles.MAPPER.readTree(summary.toFile());
        assertEquals(4, json.get("trials").size());
    }
}
