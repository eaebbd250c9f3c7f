package org.dml4j.experiments.sweep;

import org.dml4j.experiments.CliRun;
import org.dml4j.experiments.io.JsonFiles;
import org.dml4j.experiments.io.UserError;
import org.dml4j.experiments.training.TrainingEventLog;
import org.dml4j.train.EpochEnd;
import org.dml4j.train.RunEnd;
import org.dml4j.train.RunStart;
import org.dml4j.train.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sweep's search space, stopping rule and file checks. */
class SweepPartsTest {

    @TempDir
    Path dir;

    private static SearchSpace space() {
        Map<String, Hyperparameter> parameters = new LinkedHashMap<>();
        parameters.put("loss", new Hyperparameter.Choice(List.of("triplet", "contrastive")));
        parameters.put("lr", new Hyperparameter.Choice(List.of("0.001", "0.01", "0.1")));
        return new SearchSpace(parameters);
    }

    @Test
    void theGridVariesTheLastParameterFastestAndKeepsToTheBudget() {
        List<Map<String, String>> grid = space().grid(100);
        assertEquals(6, grid.size());
        assertEquals(Map.of("loss", "triplet", "lr", "0.001"), grid.get(0));
        assertEquals(Map.of("loss", "triplet", "lr", "0.01"), grid.get(1));
        assertEquals(Map.of("loss", "contrastive", "lr", "0.1"), grid.get(5));
        assertEquals(4, space().grid(4).size());
    }

    @Test
    void randomSearchIsSeededAndStaysInItsRanges() {
        Map<String, Hyperparameter> parameters = new LinkedHashMap<>();
        parameters.put("lr", new Hyperparameter.Range(1e-4, 1e-2, true, false));
        parameters.put("epochs", new Hyperparameter.Range(2, 6, false, true));
        parameters.put("miner", new Hyperparameter.Choice(List.of("none", "semihard")));
        SearchSpace space = new SearchSpace(parameters);
        List<Map<String, String>> a = space.random(50, 7);
        assertEquals(a, space.random(50, 7));
        assertFalse(a.equals(space.random(50, 8)));
        for (Map<String, String> trial : a) {
            double lr = Double.parseDouble(trial.get("lr"));
            assertTrue(lr >= 1e-4 * 0.999 && lr <= 1e-2 * 1.001, trial.toString());
            int epochs = Integer.parseInt(trial.get("epochs"));
            assertTrue(epochs >= 2 && epochs <= 6, trial.toString());
        }
        assertTrue(a.stream().anyMatch(t -> Double.parseDouble(t.get("lr")) < 1e-3), "log scale reaches low");
        UserError grid = assertThrows(UserError.class, () -> space.grid(10));
        assertTrue(grid.getMessage().contains("needs a list of values for 'lr'"), grid.getMessage());
    }

    @Test
    void theMedianRuleStopsATrialBelowTheOthersMedianAfterTheGraceEpochs() {
        MedianStoppingRule rule = new MedianStoppingRule(new MedianStoppingRule.Settings(1, 2));
        assertFalse(rule.report(1, 1, 0.9));
        assertFalse(rule.report(1, 2, 0.95));
        assertFalse(rule.report(2, 1, 0.5));
        assertFalse(rule.report(2, 2, 0.6), "one other trial is not enough");
        assertFalse(rule.report(3, 1, 0.1), "grace epoch");
        assertTrue(rule.report(3, 2, 0.2), "0.2 < median(0.95, 0.6)");
        assertFalse(rule.report(4, 1, 0.99));
        assertFalse(rule.report(4, 2, 0.3), "its best so far, 0.99, counts");
    }

    @Test
    void sweepFileMistakesGiveOneClearMessage() throws IOException {
        assertTrue(error("{\"space\": {\"lr\": [0.1]}, \"budget\": 3}").contains("Unknown key 'budget'"));
        assertTrue(error("{\"base\": {}}").contains("needs a \"space\""));
        assertTrue(error("{\"space\": {\"lr\": 0.1}}").contains("must be a non-empty list of values or a range"));
        assertTrue(error("{\"space\": {\"lr\": [0.1]}, \"search\": \"random\"}").contains("needs a trial budget"));
        assertTrue(error("{\"space\": {\"lr\": [0.1]},}").contains("Fix the JSON syntax"));
        assertTrue(error("{\"space\": {\"lr\": [0.1]}, \"isolation\": \"vm\"}").contains("Unknown isolation 'vm'"));
        assertTrue(error("{\"space\": {\"lr\": [0.1]}, \"early_stopping\": {\"rule\": \"halving\", "
                + "\"reduction_factor\": 1}}").contains("reduction_factor >= 2"));
        Path yaml = dir.resolve("s.yaml");
        Files.writeString(yaml, "space: {}");
        assertTrue(assertThrows(UserError.class, () -> SweepFile.read(yaml)).getMessage().contains("needs a \"space\""));
        UserError key = assertThrows(UserError.class, () -> TrialArgs.parse(Map.of(), Map.of("learning-rate", "1")));
        assertTrue(key.getMessage().contains("do not fit dml4j train"), key.getMessage());
        UserError data = assertThrows(UserError.class, () -> TrialArgs.parse(Map.of(), Map.of("dataset", "x")));
        assertTrue(data.getMessage().contains("Move it from \"space\" to \"base\""), data.getMessage());
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"space\": {\"lr\": [0.1]}, \"budget\": 3}");
        CliRun run = CliRun.of("sweep", file.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("Unknown key 'budget'"), run.err());
        assertEquals(0, CliRun.of("sweep", "--help").exitCode());
    }

    @Test
    void aYamlSweepFileHasTheJsonKeysAndItsSyntaxErrorsNameTheLine() throws IOException {
        Path file = dir.resolve("sweep.yml");
        Files.writeString(file, """
                base:
                  dataset: csv:data.csv
                  epochs: 3
                space:
                  lr: {min: 1e-4, max: 1e-2, log: true}
                  loss: [triplet, contrastive]
                search: random
                seed: 5
                trials: 6
                parallel: 2
                isolation: process
                early_stopping: {rule: halving, min_epochs: 2, reduction_factor: 4}
                """);
        SweepFile sweep = SweepFile.read(file);
        assertEquals("3", sweep.base().get("epochs"));
        assertEquals(SweepFile.DEFAULT_VALIDATION_FRACTION, sweep.base().get("validation-fraction"));
        assertEquals(new Hyperparameter.Range(1e-4, 1e-2, true, false), sweep.space().parameters().get("lr"));
        assertEquals(new Hyperparameter.Choice(List.of("triplet", "contrastive")),
                sweep.space().parameters().get("loss"));
        assertTrue(sweep.random() && sweep.processes());
        assertEquals(List.of(6, 2, 5L), List.of(sweep.budget(), sweep.parallel(), sweep.seed()));
        assertEquals(new SuccessiveHalving.Settings(2, 4), sweep.stopping());
        assertEquals(6, sweep.proposals().size());
        SweepFile example = SweepFile.read(Path.of("configs", "sweep.yaml"));
        assertEquals(new SuccessiveHalving.Settings(1, 3), example.stopping());
        assertTrue(example.processes() && example.random() && example.budget() == 12, example.toString());
        example.proposals().forEach(values -> TrialArgs.parse(example.base(), values));

        Files.writeString(file, "space:\n  lr: [0.1, 0.2]\n    loss: [triplet]\nsearch: grid\n");
        String message = assertThrows(UserError.class, () -> SweepFile.read(file)).getMessage();
        assertTrue(message.contains("at line 3") && message.contains("Fix the YAML syntax"), message);
    }

    @Test
    void successiveHalvingKeepsTheTopOfEachRungInTrialOrder() throws InterruptedException {
        SuccessiveHalving rule = new SuccessiveHalving(new SuccessiveHalving.Settings(1, 2));
        assertTrue(rule.isRung(1) && rule.isRung(2) && !rule.isRung(3) && rule.isRung(4));
        // epoch 1 (a rung): keep max(1, floor(n / 2)) of the n trials numbered up to the reporting one
        assertFalse(rule.report(1, 1, 0.5), "alone, the best");
        assertTrue(rule.report(2, 1, 0.4), "second of 2, one kept");
        assertFalse(rule.report(3, 1, 0.7), "best of 3");
        assertFalse(rule.report(4, 1, 0.6), "second of 4, two kept");
        assertTrue(rule.report(5, 1, 0.5), "ties go to the lower number: fourth of 5, two kept");
        rule.ended(2);
        rule.ended(5);
        // epoch 3 is no rung; epoch 2 is, and trial 2 and 5 never reach it
        assertFalse(rule.report(1, 2, 0.55));
        assertFalse(rule.report(3, 2, 0.72));
        assertTrue(rule.report(4, 2, 0.58), "its best, 0.6, is second of 3 at epoch 2, one kept");
        assertFalse(rule.report(1, 3, 0.0), "not a rung");

        SuccessiveHalving three = new SuccessiveHalving(new SuccessiveHalving.Settings(2, 3));
        assertTrue(three.isRung(2) && three.isRung(6) && three.isRung(18) && !three.isRung(1) && !three.isRung(4));
    }

    @Test
    void successiveHalvingWaitsForLowerTrialsSoParallelTrialsDecideAsSequentialOnes() throws Exception {
        SuccessiveHalving rule = new SuccessiveHalving(new SuccessiveHalving.Settings(1, 2));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Boolean> second = pool.submit(() -> rule.report(2, 1, 0.9));
            Thread.sleep(200);
            assertFalse(second.isDone(), "trial 2 waits for trial 1 at the rung");
            assertFalse(rule.report(1, 1, 0.95));
            assertTrue(second.get(5, TimeUnit.SECONDS), "0.9 < 0.95: stopped");

            Future<Boolean> fourth = pool.submit(() -> rule.report(4, 1, 0.99));
            Thread.sleep(200);
            assertFalse(fourth.isDone(), "trial 4 waits for trial 3");
            rule.ended(3);
            assertFalse(fourth.get(5, TimeUnit.SECONDS),
                    "trial 3 ended before the rung: 0.99 is the best of trials 1, 2 and 4");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSweepCanSearchTheEpisodicSetting() {
        MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance("two", new LabelFactory()),
                new LabelFactory());
        data.add(new ArrayExample<>(new Label("a"), new String[]{"x"}, new double[]{0}));
        data.add(new ArrayExample<>(new Label("b"), new String[]{"x"}, new double[]{1}));
        Map<String, String> base = Map.of("mode", "episodic", "way", "3", "queries", "2", "network", "mlp:8,4");
        String trainer = TrialArgs.parse(base, Map.of("shot", "2")).trainer.build(data).toString();
        assertTrue(trainer.contains("PrototypicalLoss(shot=2") && trainer.contains("sampler=EpisodeSampler(way=3, "
                + "shot=2, queries=2") && trainer.contains("batchSize=12,"), trainer);
    }

    @Test
    void configKeysBecomeOlcutPropertyOverrides() {
        Map<String, String> base = Map.of("config", "configs/triplet.xml", "config:sampler.m", "8");
        TrialArgs trial = TrialArgs.parse(base, Map.of("config:trainer.epochs", "2", "config:loss.margin", "0.05"));
        assertTrue(trial.arguments.containsAll(List.of("--config-override", "trainer.epochs=2", "loss.margin=0.05",
                "sampler.m=8")), trial.arguments.toString());
        String trainer = trial.trainer.build(null).toString();
        assertTrue(trainer.contains("epochs=2,") && trainer.contains("0.05"), trainer);
        assertTrue(trainer.contains("batchSize=256,"), "what is not overridden comes from the file: " + trainer);

        UserError component = assertThrows(UserError.class, () -> TrialArgs.parse(base,
                Map.of("config:optimiser.lr", "1")).trainer.build(null));
        assertTrue(component.getMessage().contains("Cannot override optimiser.lr")
                && component.getMessage().contains("trainer"), component.getMessage());
        UserError property = assertThrows(UserError.class, () -> TrialArgs.parse(base,
                Map.of("config:trainer.epoch", "1")).trainer.build(null));
        assertTrue(property.getMessage().contains("epoch"), property.getMessage());
        UserError noConfig = assertThrows(UserError.class, () -> TrialArgs.parse(Map.of(),
                Map.of("config:trainer.epochs", "1")).trainer.build(null));
        assertTrue(noConfig.getMessage().contains("needs --config FILE"), noConfig.getMessage());
    }

    @Test
    void eachEpochEventCarriesTheProcessCpuTimeSoFar() throws IOException {
        Path file = dir.resolve("cpu-events.jsonl");
        TrainingEventLog log = new TrainingEventLog(file);
        log.onEpochEnd(new EpochEnd(1, 6, 0.4, 1e-3, Map.of(), 0.2));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long threadCpu = threads.getCurrentThreadCpuTime();
        double sink = 0;
        while (threads.getCurrentThreadCpuTime() - threadCpu < 50_000_000L) { // 50 ms of this thread's CPU
            sink += Math.sqrt(sink + 1);
        }
        double burned = (threads.getCurrentThreadCpuTime() - threadCpu) / 1e9;
        log.onEpochEnd(new EpochEnd(2, 12, 0.3, 1e-3, Map.of(), 0.2));
        List<String> lines = Files.readAllLines(file);
        double first = JsonFiles.MAPPER.readTree(lines.get(0)).get("process_cpu_seconds").asDouble();
        double second = JsonFiles.MAPPER.readTree(lines.get(1)).get("process_cpu_seconds").asDouble();
        assertTrue(first > 0, lines.get(0));
        assertTrue(second - first >= burned, "the process used at least this thread's " + burned + " s between "
                + "the epochs: " + lines + " (" + sink + ")");
    }

    @Test
    void theTrainingEventLogReplaysAsTheSameListenerCalls() throws IOException {
        Path file = dir.resolve("events.jsonl");
        TrainingEventLog log = new TrainingEventLog(file);
        log.onRunStart(new RunStart("run", null, null, Map.of("dataset.size", "180")));
        EpochEnd epoch = new EpochEnd(1, 6, 0.41, 1e-3, Map.of("map_at_r", 0.62, "r_precision", Double.NaN), 0.2);
        log.onEpochEnd(epoch);
        log.onRunEnd(new RunEnd(null, Map.of("map_at_r", 0.7), 3, 0.9));
        List<String> lines = Files.readAllLines(file);
        assertEquals(3, lines.size());

        List<Object> seen = new ArrayList<>();
        TrainingListener recorder = new TrainingListener() {
            @Override
            public void onRunStart(RunStart start) {
                seen.add(start.datasetInfo());
            }

            @Override
            public void onEpochEnd(EpochEnd end) {
                seen.add(end);
            }

            @Override
            public void onRunEnd(RunEnd end) {
                seen.add(end.finalMetrics() + " " + end.epochs());
            }
        };
        TrainingEventLog.Replay replay = new TrainingEventLog.Replay(data -> new RunStart("trial", null, null, data),
                List.of(recorder));
        for (String line : lines) {
            replay.line(line);
        }
        assertEquals(Map.of("dataset.size", "180"), seen.get(0));
        EpochEnd replayed = (EpochEnd) seen.get(1);
        assertEquals(List.of(1, 6L, 0.41, 1e-3, 0.2, 0.62), List.of(replayed.epoch(), replayed.step(),
                replayed.meanLoss(), replayed.learningRate(), replayed.seconds(),
                replayed.validationMetrics().get("map_at_r")));
        assertTrue(replayed.validationMetrics().get("r_precision").isNaN());
        assertEquals("{map_at_r=0.7} 3", seen.get(2));
        assertThrows(IOException.class, () -> replay.line("{\"event\": \"lunch\"}"));
    }

    private String error(String json) throws IOException {
        Path file = dir.resolve("sweep.json");
        Files.writeString(file, json);
        return assertThrows(UserError.class, () -> SweepFile.read(file)).getMessage();
    }
}
