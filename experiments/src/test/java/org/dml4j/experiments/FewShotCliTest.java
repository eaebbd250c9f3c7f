package org.dml4j.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code train --mode episodic} and {@code eval --few-shot NxK} end to end on a small CSV: prototypical training on
 * classes 0-2, episodic evaluation on class 3 with the others, accuracy ± CI printed and written, and user errors.
 */
class FewShotCliTest {

    @TempDir
    static Path dir;
    private static Path csv;
    private static Path model;

    @BeforeAll
    static void trainEpisodically() throws IOException {
        csv = ClusterCsv.write(dir);
        model = dir.resolve("protonet.dml4j");
        Path metrics = dir.resolve("train-metrics.json");
        CliRun run = CliRun.of("train", "--dataset", "csv:" + csv, "--label-column", "species", "--mode", "episodic",
                "--way", "3", "--shot", "2", "--queries", "3", "--episodes-per-epoch", "10", "--network",
                "mlp:16,4:normalize=false", "--epochs", "2", "--seed", "1", "--metrics-out", metrics.toString(),
                "--model-out", model.toString());
        assertEquals(0, run.exitCode(), run.all());
        assertTrue(run.err().contains("epoch 2/2"), run.err());
        JsonNode json = new ObjectMapper().readTree(metrics.toFile());
        assertTrue(json.get("few_shot_3x2/accuracy").asDouble() > 0.9, json.toString());
        assertTrue(json.has("few_shot_3x2/ci95") && json.has("map_at_r"), json.toString());
    }

    @Test
    void evalReportsAccuracyWithItsIntervalForEachSetting() throws IOException {
        Path metrics = dir.resolve("few-shot.json");
        CliRun run = CliRun.of("eval", "--model", model.toString(), "--dataset", "csv:" + csv, "--label-column",
                "species", "--few-shot", "4x1,4x5", "--queries", "5", "--episodes", "300", "--metrics-out",
                metrics.toString());
        assertEquals(0, run.exitCode(), run.all());
        assertTrue(String.join("\n", run.lines()).contains("4-way 1-shot: ") && String.join("\n", run.lines()).contains("(95% CI, 300 episodes, 5 queries"),
                String.join("\n", run.lines()));
        JsonNode json = new ObjectMapper().readTree(metrics.toFile());
        assertEquals(List.of("few_shot_4x1/accuracy", "few_shot_4x1/ci95", "few_shot_4x5/accuracy",
                "few_shot_4x5/ci95"), iterate(json));
        double oneShot = json.get("few_shot_4x1/accuracy").asDouble();
        double fiveShot = json.get("few_shot_4x5/accuracy").asDouble();
        assertTrue(oneShot > 0.8 && fiveShot >= oneShot, json.toString());
        assertTrue(json.get("few_shot_4x1/ci95").asDouble() > 0 || oneShot == 1.0, json.toString());
        CliRun again = CliRun.of("eval", "--model", model.toString(), "--dataset", "csv:" + csv, "--label-column",
                "species", "--few-shot", "4x1,4x5", "--queries", "5", "--episodes", "300", "--json");
        assertEquals(new ObjectMapper().readTree(String.join("\n", again.lines())), json, "the same seed gives the same episodes");
    }

    private static List<String> iterate(JsonNode json) {
        List<String> names = new java.util.ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void userErrorsNameTheProblem() {
        CliRun malformed = eval("--few-shot", "5-1");
        assertEquals(2, malformed.exitCode(), malformed.all());
        assertTrue(malformed.err().contains("--few-shot 5-1: write N-way K-shot as NxK"), malformed.err());
        CliRun tooManyWays = eval("--few-shot", "5x1");
        assertEquals(2, tooManyWays.exitCode(), tooManyWays.all());
        assertTrue(tooManyWays.err().contains("a 5-way episode needs 5 classes but the data has 4"),
                tooManyWays.err());
        CliRun tooFew = eval("--few-shot", "3x10", "--queries", "10");
        assertEquals(2, tooFew.exitCode(), tooFew.all());
        assertTrue(tooFew.err().contains("class 'class0' has 12 examples, fewer than the 20 (shot + queries)"),
                tooFew.err());
        assertFalse(tooFew.err().contains("\tat "), "no stack trace: " + tooFew.err());
        CliRun badMode = CliRun.of("train", "--dataset", "csv:" + csv, "--label-column", "species", "--mode",
                "meta");
        assertEquals(2, badMode.exitCode(), badMode.all());
        assertTrue(badMode.err().contains("unknown training mode 'meta': choose one of supervised, self-supervised,"
                + " episodic"), badMode.err());
        CliRun miner = CliRun.of("train", "--dataset", "csv:" + csv, "--label-column", "species", "--mode",
                "episodic", "--way", "3", "--queries", "3", "--miner", "hard");
        assertEquals(2, miner.exitCode(), miner.all());
        assertTrue(miner.err().contains("--miner hard does not apply to --mode episodic"), miner.err());
    }

    private static CliRun eval(String... options) {
        List<String> args = new java.util.ArrayList<>(List.of("eval", "--model", model.toString(), "--dataset",
                "csv:" + csv, "--label-column", "species"));
        args.addAll(List.of(options));
        return CliRun.of(args.toArray(String[]::new));
    }
}
