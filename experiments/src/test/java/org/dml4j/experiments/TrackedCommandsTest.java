package org.dml4j.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import org.dml4j.experiments.io.JsonFiles;
import org.dml4j.experiments.report.PlotCanvas;
import org.dml4j.experiments.report.TrackedRun;
import org.dml4j.experiments.sweep.SuccessiveHalving;
import org.dml4j.mlflow.EmbeddingModelDirectory;
import org.dml4j.mlflow.ModelDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
            Set<String> contexts = new HashSet<>();
            JsonNode inputs = mlflow.get("runs/get?run_id=" + child.at("/info/run_id").asText())
                    .at("/run/inputs/dataset_inputs"); // runs/search leaves the inputs out
            inputs.forEach(input -> contexts.add(input.at("/tags/0/value").asText()));
            assertEquals(Set.of("train", "validation"), contexts, "a trial's datasets: " + inputs);
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

    @Test
    void episodicAndSelfSupervisedSweepsTagTheirModeAndMaximizeItsMetric() throws IOException,
            InterruptedException {
        modeSweep("episodic", "\"way\": 3, \"shot\": 1, \"queries\": 4, \"episodes-per-epoch\": 5",
                "few_shot_3x1/accuracy");
        modeSweep("self-supervised", "\"views\": \"noise:0.2\", \"projection-head\": \"none\", \"batch-size\": 64",
                "linear_probe_accuracy");
    }

    /**
     * A sweep of a mode: each trial's run carries the mode as the tag dml4j.mode and the mode's validation metric
     * as a per-epoch curve, which the sweep maximizes and records on the parent as its best.
     */
    private static void modeSweep(String mode, String modeOptions, String metric)
            throws IOException, InterruptedException {
        Path sweep = dir.resolve("sweep-" + mode + ".json");
        Files.writeString(sweep, """
                {"base": {"dataset": "csv:%s", "label-column": "species", "network": "mlp:16,4", "epochs": 2,
                          "mode": "%s", %s, "validation-fraction": 0.25, "seed": 2},
                 "space": {"lr": [0.001, 0.01]}, "search": "grid", "metric": "%s"}
                """.formatted(csv, mode, modeOptions, metric));
        String experiment = "sweep-" + mode;
        CliRun run = CliRun.of("sweep", sweep.toString(), "--tracking-uri", mlflow.uri(), "--experiment", experiment,
                "--quiet");
        assertEquals(0, run.exitCode(), run.all());
        List<JsonNode> runs = mlflow.runs(experiment);
        assertEquals(3, runs.size(), "the sweep and its two trials");
        double best = Double.NEGATIVE_INFINITY;
        JsonNode parent = null;
        for (JsonNode tracked : runs) {
            if (!MlflowTestServer.tags(tracked).containsKey("mlflow.parentRunId")) {
                parent = tracked;
                continue;
            }
            assertEquals(mode, MlflowTestServer.tags(tracked).get(TrainCommand.MODE_TAG));
            List<Double> curve = mlflow.history(tracked.at("/info/run_id").asText(), "val/" + metric);
            assertEquals(2, curve.size(), "one validation per epoch: " + curve);
            // four well separated clusters: far above chance (1/3 for 3-way episodes, 1/4 for the probe)
            assertTrue(curve.stream().allMatch(v -> v > 0.6), metric + " " + curve);
            double objective = MlflowTestServer.metrics(tracked).get("sweep/objective");
            assertEquals(curve.stream().mapToDouble(Double::doubleValue).max().orElseThrow(), objective, 1e-9);
            best = Math.max(best, objective);
        }
        assertEquals(best, MlflowTestServer.metrics(parent).get("best/" + metric), 1e-9);
    }

    private static Map<Integer, JsonNode> trialRuns(List<JsonNode> runs) {
        Map<Integer, JsonNode> trials = new java.util.TreeMap<>();
        runs.stream().filter(r -> MlflowTestServer.tags(r).containsKey(SweepTracking.TRIAL_TAG)).forEach(r ->
                trials.put(Integer.parseInt(MlflowTestServer.tags(r).get(SweepTracking.TRIAL_TAG)), r));
        return trials;
    }

    @Test
    void aYamlSweepWithSuccessiveHalvingStopsTheTrialsTheRuleChoosesAndPrintsJson()
            throws IOException, InterruptedException {
        Path sweep = dir.resolve("halving.yaml");
        Files.writeString(sweep, """
                base:
                  dataset: csv:%s
                  label-column: species
                  network: mlp:16,4
                  epochs: 3
                  batch-size: 32
                  m-per-class: 8
                  validation-fraction: 0.25
                  seed: 2
                space:
                  lr: [0.03, 0.00001]
                  loss: [triplet, contrastive]
                search: grid
                parallel: 2
                early_stopping: {rule: halving, min_epochs: 1, reduction_factor: 2}
                """.formatted(csv));
        CliRun run = CliRun.of("sweep", sweep.toString(), "--json", "--tracking-uri", mlflow.uri(), "--experiment",
                "halving");
        assertEquals(0, run.exitCode(), run.all());
        assertEquals(1, run.lines().size(), "one JSON object on standard output: " + run.all());
        JsonNode summary = JsonFiles.MAPPER.readTree(run.lines().get(0));
        assertEquals(4, summary.get("trials").size());
        assertTrue(run.err().contains("sweep eta"), "progress goes to standard error: " + run.err());

        List<JsonNode> runs = mlflow.runs("halving");
        assertEquals(5, runs.size());
        Map<Integer, JsonNode> trials = trialRuns(runs);
        assertEquals(Set.of(1, 2, 3, 4), trials.keySet());
        // the rule, replayed in trial order on the recorded curves, must stop exactly the trials the sweep stopped
        SuccessiveHalving rule = new SuccessiveHalving(new SuccessiveHalving.Settings(1, 2));
        int stopped = 0;
        for (Map.Entry<Integer, JsonNode> trial : trials.entrySet()) {
            List<Double> curve = mlflow.history(trial.getValue().at("/info/run_id").asText(), "val/map_at_r");
            int stoppedAt = 0;
            for (int epoch = 1; epoch <= curve.size() && stoppedAt == 0; epoch++) {
                stoppedAt = rule.report(trial.getKey(), epoch, curve.get(epoch - 1)) ? epoch : 0;
            }
            rule.ended(trial.getKey());
            Map<String, String> tags = MlflowTestServer.tags(trial.getValue());
            JsonNode row = summary.get("trials").get(trial.getKey() - 1);
            String state = stoppedAt > 0 ? "pruned" : "completed";
            assertEquals(state, tags.get(SweepTracking.STATE_TAG), "trial " + trial.getKey() + " " + curve);
            assertEquals(state, row.get("state").asText());
            assertEquals(MlflowTestServer.metrics(trial.getValue()).get("sweep/objective"),
                    row.get("objective").asDouble(), 1e-9);
            if (stoppedAt > 0) {
                stopped++;
                assertEquals(curve.size(), stoppedAt, "nothing is logged after the stop");
                assertEquals("halving", tags.get(SweepTracking.STOPPED_BY_TAG));
                assertEquals(String.valueOf(stoppedAt), tags.get(SweepTracking.STOPPED_AT_TAG));
                assertEquals("stopped by halving at epoch " + stoppedAt, row.get("stopped").asText());
            } else {
                assertEquals(3, curve.size());
            }
        }
        assertTrue(stopped >= 1 && stopped <= 3, "halving stopped some trials but not all: " + stopped);
        JsonNode parent = runs.stream().filter(r -> !MlflowTestServer.tags(r).containsKey("mlflow.parentRunId"))
                .findFirst().orElseThrow();
        assertEquals(summary.get("best_objective").asDouble(), MlflowTestServer.metrics(parent).get("best/map_at_r"),
                1e-9);
    }

    @Test
    void aProcessIsolatedSweepKeepsGoingWhenOneTrialFails() throws IOException, InterruptedException {
        Path sweep = dir.resolve("isolated.json");
        Files.writeString(sweep, """
                {"base": {"dataset": "csv:%s", "label-column": "species", "network": "mlp:16,4", "epochs": 2,
                          "batch-size": 32, "validation-fraction": 0.25, "seed": 3},
                 "space": {"m-per-class": [8, 7]}, "parallel": 2, "isolation": "process"}
                """.formatted(csv));
        Path summaryFile = dir.resolve("isolated-summary.json");
        CliRun run = CliRun.of("sweep", sweep.toString(), "--quiet", "--tracking-uri", mlflow.uri(), "--experiment",
                "isolated", "--summary-out", summaryFile.toString());
        assertEquals(0, run.exitCode(), run.all());
        JsonNode summary = JsonFiles.MAPPER.readTree(summaryFile.toFile());
        JsonNode ok = summary.get("trials").get(0);
        JsonNode failed = summary.get("trials").get(1);
        assertEquals("completed", ok.get("state").asText());
        assertTrue(ok.get("objective").asDouble() > 0, ok.toString());
        assertEquals("failed", failed.get("state").asText());
        assertTrue(failed.get("error").asText().contains("--batch-size 32 must be a multiple of --m-per-class 7"),
                failed.toString());

        List<JsonNode> runs = mlflow.runs("isolated");
        assertEquals(2, runs.size(), "the parent and the trial that started");
        JsonNode trial = trialRuns(runs).get(1);
        assertEquals("FINISHED", trial.at("/info/status").asText());
        Map<String, String> params = MlflowTestServer.params(trial);
        assertEquals("8", params.get("trial.m-per-class"));
        assertEquals("32", params.get("trainer.batchSize"), params.toString());
        assertTrue(params.containsKey("data.dataset.size"), "the child's data facts travel: " + params);
        List<Double> curve = mlflow.history(trial.at("/info/run_id").asText(), "val/map_at_r");
        assertEquals(2, curve.size());
        assertEquals(Collections.max(curve), ok.get("objective").asDouble(), 1e-9);
        JsonNode parent = runs.stream().filter(r -> r != trial).findFirst().orElseThrow();
        assertEquals("process", MlflowTestServer.params(parent).get("sweep.isolation"));
    }

    @Test
    void aSweepOverOlcutPropertiesOverridesTheConfigFile() throws IOException, InterruptedException {
        Path sweep = dir.resolve("olcut.json");
        Files.writeString(sweep, """
                {"base": {"dataset": "csv:%s", "label-column": "species", "config": "configs/triplet.xml",
                          "config:trainer.batchSize": 32, "config:sampler.m": 8, "validation-fraction": 0.25},
                 "space": {"config:trainer.epochs": [1, 2]}}
                """.formatted(csv));
        CliRun run = CliRun.of("sweep", sweep.toString(), "--tracking-uri", mlflow.uri(), "--experiment", "olcut");
        assertEquals(0, run.exitCode(), run.all());
        Map<Integer, JsonNode> trials = trialRuns(mlflow.runs("olcut"));
        assertEquals(Set.of(1, 2), trials.keySet());
        for (Map.Entry<Integer, JsonNode> trial : trials.entrySet()) {
            Map<String, String> params = MlflowTestServer.params(trial.getValue());
            assertEquals(String.valueOf(trial.getKey()), params.get("trial.config:trainer.epochs"), params.toString());
            assertEquals(String.valueOf(trial.getKey()), params.get("trainer.epochs"));
            assertEquals("32", params.get("trainer.batchSize"));
            assertEquals("0.25", params.get("trainer.validationFraction"));
            assertEquals(trial.getKey(), mlflow.history(trial.getValue().at("/info/run_id").asText(), "val/map_at_r")
                    .size());
        }
    }

    private static String train(String experiment, String runName, String... options) {
        return trainOn(csv, experiment, runName, options);
    }

    private static String trainOn(Path data, String experiment, String runName, String... options) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--dataset", "csv:" + data, "--label-column",
                "species", "--batch-size", "32", "--m-per-class", "8", "--quiet", "--tracking-uri", mlflow.uri(),
                "--experiment", experiment, "--run-name", runName));
        args.addAll(List.of(options));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.all());
        java.util.regex.Matcher url = java.util.regex.Pattern
                .compile("MLflow run: \\S*/#/experiments/\\d+/runs/(\\w+)\\?workflowType=machine_learning\n")
                .matcher(run.err());
        assertTrue(url.find(), "no run URL in the training view: " + run.err());
        return url.group(1);
    }

    @Test
    void trainLogsItsThreeDatasetsTestMetricsUnderPlainNamesAndOnlyHyperparametersAsParams()
            throws IOException, InterruptedException {
        Path metricsOut = dir.resolve("semantics-metrics.json");
        String small = train("semantics", "small", "--epochs", "2", "--validation-fraction", "0.25", "--network",
                "mlp:16,4", "--metrics-out", metricsOut.toString());
        Path wide = ClusterCsv.write(Files.createDirectories(dir.resolve("wide")), 960, 64);
        String large = trainOn(wide, "semantics", "large", "--epochs", "2", "--validation-fraction", "0.25",
                "--network", "mlp:16,4", "--no-full-ranking");

        JsonNode smallRun = mlflow.get("runs/get?run_id=" + small).path("run");
        JsonNode largeRun = mlflow.get("runs/get?run_id=" + large).path("run");
        Map<String, String> params = MlflowTestServer.params(smallRun);
        Map<String, String> largeParams = MlflowTestServer.params(largeRun);
        assertEquals(params.keySet(), largeParams.keySet(), "the params grow with the data");
        assertTrue(params.size() < 100, params.size() + " params: " + params.keySet());
        assertTrue(params.keySet().stream().noneMatch(k -> k.startsWith("dataset.")), params.keySet().toString());
        assertEquals("true", params.get("evaluation.full_ranking"));
        assertEquals("false", largeParams.get("evaluation.full_ranking"));
        assertEquals("false", largeParams.get("trainer.validationFullRanking"));

        Map<String, String> contexts = new java.util.TreeMap<>();
        for (JsonNode input : smallRun.at("/inputs/dataset_inputs")) {
            contexts.put(input.at("/tags/0/value").asText(), input.at("/dataset/name").asText());
        }
        assertEquals(Map.of("train", "clusters.csv", "validation", "clusters.csv", "test", "clusters.csv"),
                contexts, smallRun.path("inputs").toString());

        JsonNode printed = JsonFiles.MAPPER.readTree(metricsOut.toFile());
        Map<String, Double> metrics = MlflowTestServer.metrics(smallRun);
        for (String name : List.of("recall_at_1", "map", "map_at_r", "ndcg_at_4")) {
            assertTrue(metrics.containsKey("val/" + name), "no val/" + name + ": " + metrics.keySet());
            JsonNode history = mlflow.get("metrics/get-history?run_id=" + small + "&metric_key=" + name)
                    .path("metrics");
            assertEquals(1, history.size(), name + " holds more than the test value: " + history);
            assertEquals(printed.get(name).asDouble(), history.get(0).get("value").asDouble(), 1e-12, name);
        }
        assertTrue(!MlflowTestServer.metrics(largeRun).containsKey("map")
                && !MlflowTestServer.metrics(largeRun).containsKey("val/map"), "--no-full-ranking computed map");

        String experimentId = smallRun.at("/info/experiment_id").asText();
        JsonNode experimentTags = mlflow.get("experiments/get?experiment_id=" + experimentId).at("/experiment/tags");
        assertTrue(experimentTags.toString().contains(
                "{\"key\":\"mlflow.experimentKind\",\"value\":\"custom_model_development\"}"),
                experimentTags.toString());
    }

    @Test
    void trainRegistersItsModelWithAnAliasAndRecordsTheCommit() throws IOException, InterruptedException {
        String run = train("registry", "registered", "--epochs", "2", "--validation-fraction", "0.25", "--network",
                "mlp:16,8", "--model-out", dir.resolve("registered.dml4j").toString(), "--register-model",
                "clusters-embedder", "--model-alias", "champion");
        JsonNode version = mlflow.get("registered-models/alias?name=clusters-embedder&alias=champion")
                .get("model_version");
        assertEquals(run, version.get("run_id").asText());
        JsonNode tags = mlflow.get("runs/get?run_id=" + run).at("/run/data/tags");
        boolean commit = false;
        for (JsonNode tag : tags) {
            commit |= tag.get("key").asText().equals("mlflow.source.git.commit")
                    && tag.get("value").asText().matches("[0-9a-f]{40}");
        }
        assertTrue(commit, "the run records the project's git commit: " + tags);
        List<String> plots = new java.util.ArrayList<>();
        mlflow.get("artifacts/list?run_id=" + run + "&path=plots").path("files")
                .forEach(f -> plots.add(f.get("path").asText()));
        assertEquals(List.of("plots/embeddings_pca.png", "plots/loss.png", "plots/recall_at_k.png",
                "plots/validation.png"), plots.stream().sorted().toList());
        byte[] validation = TrackedRun.fetch(TrackedRun.connect(mlflow.uri()), run)
                .artifact("plots/validation.png", "the validation curves");
        assertArrayEquals(Files.readAllBytes(dir.resolve("registered-validation.png")), validation);
        assertEquals(PlotCanvas.WIDTH, ImageIO.read(new ByteArrayInputStream(validation)).getWidth());
        CliRun missingFile = CliRun.of("train", "--dataset", "csv:" + csv, "--label-column", "species",
                "--register-model", "x");
        assertEquals(2, missingFile.exitCode());
        assertTrue(missingFile.err().contains("--register-model needs --model-out"), missingFile.err());
    }

    @Test
    void trainLogsItsIndexInsideTheLoggedModel() throws IOException, InterruptedException {
        Path index = dir.resolve("indexed.hnsw");
        String run = train("index", "indexed", "--epochs", "1", "--network", "mlp:16,8", "--model-out",
                dir.resolve("indexed.dml4j").toString(), "--index-out", index.toString());
        JsonNode outputs = mlflow.get("runs/get?run_id=" + run).at("/run/outputs/model_outputs");
        assertEquals(1, outputs.size(), outputs.toString());
        String modelId = outputs.get(0).path("model_id").asText();
        Path downloaded = Files.createDirectories(dir.resolve("indexed-download"));
        for (String file : List.of(ModelDirectory.TRIBUO_FILE, ModelDirectory.INDEX_FILE)) {
            Files.write(downloaded.resolve(file), mlflow.loggedModelFile(modelId, file));
        }
        assertArrayEquals(Files.readAllBytes(index), Files.readAllBytes(downloaded.resolve(ModelDirectory.INDEX_FILE)));
        assertTrue(EmbeddingModelDirectory.load(downloaded).index().isPresent(), "the index is used with its model");
        assertTrue(mlflow.get("artifacts/list?run_id=" + run).path("files").findValuesAsText("path").stream()
                .noneMatch(path -> path.contains("index")), "no loose index among the run's artifacts");
        CliRun noModel = CliRun.of("train", "--dataset", "csv:" + csv, "--label-column", "species", "--index-out",
                index.toString());
        assertEquals(2, noModel.exitCode());
        assertTrue(noModel.err().contains("--index-out needs --model-out"), noModel.err());
    }

    @Test
    void episodicTrainingIsTaggedWithItsModeAndTracksItsFewShotAccuracy() throws IOException, InterruptedException {
        String run = train("episodic", "protonet", "--mode", "episodic", "--way", "3", "--shot", "1", "--queries",
                "4", "--episodes-per-epoch", "5", "--epochs", "1", "--network", "mlp:16,4:normalize=false");
        JsonNode tracked = mlflow.get("runs/get?run_id=" + run).get("run");
        assertEquals("episodic", MlflowTestServer.tags(tracked).get(TrainCommand.MODE_TAG));
        assertTrue(MlflowTestServer.metrics(tracked).containsKey("few_shot_3x1/accuracy"), tracked.toString());
        Map<String, String> params = MlflowTestServer.params(tracked);
        assertTrue(params.entrySet().stream().anyMatch(p -> p.getKey().endsWith("sampler.shot")
                && p.getValue().equals("1")), "the sampler's provenance: " + params);
        assertTrue(params.values().stream().anyMatch(v -> v.contains("PrototypicalLoss")), params.toString());
        assertEquals("supervised", MlflowTestServer.tags(mlflow.get("runs/get?run_id="
                + train("episodic", "supervised", "--epochs", "1", "--network", "mlp:16,4")).get("run"))
                .get(TrainCommand.MODE_TAG));
    }

    @Test
    void compareReportsParamsMetricDeltasAndPairedTestsOfTwoRuns() throws IOException, InterruptedException {
        String a = train("compare", "weak", "--network", "mlp:4,2", "--epochs", "1", "--lr", "0.0001", "--seed", "5");
        String b = train("compare", "strong", "--network", "mlp:32,8", "--epochs", "4", "--lr", "0.01", "--seed",
                "5");
        JsonNode runA = mlflow.get("runs/get?run_id=" + a).get("run");
        JsonNode runB = mlflow.get("runs/get?run_id=" + b).get("run");
        int runsBefore = mlflow.runs("compare").size();

        CliRun run = CliRun.of("compare", a, b, "--tracking-uri", mlflow.uri(), "--metric", "map_at_r",
                "--bootstrap", "2000", "--seed", "3");
        assertEquals(0, run.exitCode(), run.all());
        String text = String.join("\n", run.lines());
        assertTrue(text.matches("(?s).*trainer\\.learningRate +1\\.0E-4 +\\| +0\\.01.*"), text);
        assertTrue(text.matches("(?s).*trainer\\.epochs +1 +\\| +4.*"), text);
        assertTrue(!text.contains("trainer.seed"), "equal params are not listed: " + text);
        double mapA = MlflowTestServer.metrics(runA).get("map_at_r");
        double mapB = MlflowTestServer.metrics(runB).get("map_at_r");
        String metricLine = run.lines().stream().filter(l -> l.startsWith("  map_at_r ")).findFirst().orElseThrow();
        assertTrue(metricLine.contains(String.format("(%+.4f)", mapB - mapA)), metricLine);
        String test = run.lines().stream().filter(l -> l.startsWith("  B    map_at_r")).findFirst().orElseThrow();
        String[] cells = test.trim().split(" +");
        assertEquals(48, Integer.parseInt(cells[2]));
        assertEquals(mapA, Double.parseDouble(cells[3]), 1e-4);
        assertEquals(mapB, Double.parseDouble(cells[4]), 1e-4);
        assertTrue(mapB - mapA > 0.05, "the strong run is better: " + test);
        assertTrue(Double.parseDouble(cells[8]) < 0.01, "and significantly so: " + test);
        assertEquals(runsBefore, mlflow.runs("compare").size(), "compare logs nothing unless asked");

        CliRun json = CliRun.of("compare", a, b, "--tracking-uri", mlflow.uri(), "--metric", "map_at_r",
                "--bootstrap", "2000", "--seed", "3", "--json");
        assertEquals(0, json.exitCode(), json.all());
        assertEquals(1, json.lines().size(), json.all());
        JsonNode comparison = JsonFiles.MAPPER.readTree(json.lines().get(0));
        assertEquals(List.of(a, b), List.of(comparison.at("/runs/0/run_id").asText(),
                comparison.at("/runs/1/run_id").asText()));
        assertEquals("1", comparison.at("/params_differ/trainer.epochs/0").asText());
        assertEquals("4", comparison.at("/params_differ/trainer.epochs/1").asText());
        assertTrue(comparison.at("/params_differ/trainer.seed").isMissingNode());
        assertEquals(mapB - mapA, comparison.at("/metrics/map_at_r/deltas/0").asDouble(), 1e-12);
        JsonNode pairedTest = comparison.at("/tests/0");
        assertEquals("B", pairedTest.get("run").asText());
        assertEquals(48, pairedTest.get("queries").asInt());
        assertEquals(Double.parseDouble(cells[8]), pairedTest.get("p").asDouble(),
                1e-3 * Double.parseDouble(cells[8]));
        assertTrue(pairedTest.at("/interval/0").asDouble() > 0, "the interval excludes 0: " + pairedTest);

        CliRun logged = CliRun.of("compare", a, b, "--tracking-uri", mlflow.uri(), "--metric", "map_at_r",
                "--log", "--experiment", "compare");
        assertEquals(0, logged.exitCode(), logged.all());
        assertEquals(runsBefore + 1, mlflow.runs("compare").size());

        CliRun unknown = CliRun.of("compare", a, "nosuchrun", "--tracking-uri", mlflow.uri());
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("MLflow has no run 'nosuchrun'"), unknown.err());
        CliRun down = CliRun.of("compare", a, b, "--tracking-uri", "http://127.0.0.1:9");
        assertEquals(2, down.exitCode());
        assertTrue(down.err().contains("does not answer"), down.err());
    }

    @Test
    void reproduceGivesIdenticalMetricsOnCpuAlsoFromAConfigFile() throws IOException, InterruptedException {
        Path metrics = dir.resolve("flags-metrics.json");
        String flags = train("reproduce", "flags", "--network", "mlp:16,4", "--epochs", "2", "--lr", "0.003",
                "--loss", "contrastive", "--miner", "pair-margin", "--seed", "9", "--validation-fraction", "0.2",
                "--metrics-out", metrics.toString());
        // the file's batch of 256 would not fit the 64 examples (TrainingLimits): overridden, and reproduced so
        String config = train("reproduce", "config", "--config", "configs/triplet.xml", "--train-limit", "64",
                "--config-override", "trainer.batchSize=64");
        Files.writeString(metrics, "the original's");
        Map<String, String> outputs = Map.of(flags, "flags-metrics.json", config, "config/triplet.xml");
        for (String original : List.of(flags, config)) {
            Path out = Files.createDirectories(dir.resolve("reproduced-" + original));
            CliRun run = CliRun.of("reproduce", original, "--tracking-uri", mlflow.uri(), "--experiment",
                    "reproduce", "--out-dir", out.toString());
            assertEquals(0, run.exitCode(), run.all());
            assertTrue(run.lines().contains("all metrics match"), run.all());
            assertTrue(run.lines().stream().anyMatch(l -> l.matches("map_at_r +[0-9.]+ +[0-9.]+  yes")), run.all());
            List<Path> folders;
            try (java.util.stream.Stream<Path> made = Files.list(out)) {
                folders = made.toList();
            }
            assertEquals(1, folders.size(), "one new folder: " + folders);
            assertTrue(Files.isRegularFile(folders.get(0).resolve(outputs.get(original))), folders.toString());
            assertTrue(run.err().contains("Reproducing run " + original + " into " + folders.get(0) + ":\n"
                    + "  dml4j train --dataset=csv:"), run.err());
        }
        assertEquals("the original's", Files.readString(metrics), "the original's output is untouched");
        assertEquals(4, mlflow.runs("reproduce").size());
    }
}
