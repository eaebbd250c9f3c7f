package org.dml4j.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dml4j train} given what an adversarial user gives it: non-finite CSV cells, impossible batch sizes, outputs
 * that cannot be written, a reused checkpoint folder. Each ends at once with exit 2 and a one-line message naming
 * the problem, before any epoch; {@code --resume} continues a run exactly.
 */
class HostileRunsTest {

    @TempDir
    static Path dir;
    private static Path csv;

    @BeforeAll
    static void writeCsv() throws IOException {
        csv = ClusterCsv.write(dir);
    }

    @Test
    void nonFiniteAndHugeCellsAreRefusedAtLoadNamingFileLineAndColumn() throws IOException {
        List<String> lines = Files.readAllLines(csv);
        for (String bad : List.of("NaN", "Infinity", "-Infinity", "1e400", "1e200", "-3.5e38", "abc", "")) {
            List<String> edited = new ArrayList<>(lines);
            String[] cells = edited.get(5).split(",", -1);
            cells[3] = bad;
            edited.set(5, String.join(",", cells));
            Path file = dir.resolve("bad.csv");
            Files.write(file, edited);

            CliRun run = train("--dataset", "csv:" + file, "--label-column", "species", "--epochs", "1");

            assertEquals(2, run.exitCode(), bad + ": " + run.all());
            assertTrue(run.err().contains(file + " line 6, column 'f3'") && !run.err().contains("epoch"),
                    bad + ": " + run.err());
            assertFalse(run.err().contains("Check --label-column") || run.err().contains("\tat "), run.err());
        }
        CliRun noLabel = train("--dataset", "csv:" + csv, "--label-column", "kind");
        assertEquals(2, noLabel.exitCode(), noLabel.all());
        assertTrue(noLabel.err().contains("no column 'kind'") && noLabel.err().contains("species"), noLabel.err());
    }

    @Test
    void batchSizesTheDataOrTheMemoryCannotHoldEndAtOnce() {
        for (String batch : List.of("4096", "100000000")) {
            CliRun run = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> CliRun.of("train", "--dataset",
                    "csv:" + csv, "--label-column", "species", "--batch-size", batch, "--m-per-class", "32"));
            assertEquals(2, run.exitCode(), run.all());
            assertTrue(run.err().contains("--batch-size " + batch + ": the batch size " + batch
                    + " is larger than the 192 training examples"), run.err());
            assertFalse(run.err().contains("epoch 1/") || run.err().contains("\tat "), run.err());
        }
    }

    @Test
    void outputsThatCannotBeWrittenFailBeforeTheFirstEpoch() throws IOException {
        Path blocker = Files.writeString(dir.resolve("a-file"), "not a folder");
        List<List<String>> cases = List.of(
                List.of("--model-out", blocker.resolve("model.dml4j").toString()),
                List.of("--metrics-out", blocker.resolve("metrics.json").toString()),
                List.of("--events-out", blocker.resolve("events.jsonl").toString()),
                List.of("--checkpoint-dir", blocker.resolve("checkpoints").toString()),
                List.of("--model-out", dir.toString()),
                List.of("--tracking-uri", "http://127.0.0.1:9", "--spool-dir", blocker.resolve("spool").toString()));
        for (List<String> outputs : cases) {
            List<String> args = new ArrayList<>(List.of("--dataset", "csv:" + csv, "--label-column", "species"));
            args.addAll(outputs);

            CliRun run = train(args.toArray(String[]::new));

            assertEquals(2, run.exitCode(), outputs + ": " + run.all());
            assertTrue(run.err().contains(outputs.get(outputs.size() - 2)) && (run.err().contains("cannot be "
                    + "created or written") || run.err().contains("is a folder")), outputs + ": " + run.err());
            assertFalse(run.err().contains("epoch 1/"), run.err());
        }
    }

    @Test
    void aCheckpointFolderIsNeverOverwrittenAndResumeContinuesTheRunExactly() throws IOException {
        Path checkpoints = dir.resolve("checkpoints");
        CliRun first = train("--dataset", "csv:" + csv, "--label-column", "species", "--epochs", "2",
                "--checkpoint-dir", checkpoints.toString());
        assertEquals(0, first.exitCode(), first.all());

        CliRun again = train("--dataset", "csv:" + csv, "--label-column", "species", "--epochs", "2",
                "--checkpoint-dir", checkpoints.toString());
        assertEquals(2, again.exitCode(), again.all());
        assertTrue(again.err().contains("already holds checkpoints (the latest is checkpoint-epoch-0002.pb)")
                && again.err().contains("--resume " + checkpoints), again.err());
        CliRun nothing = train("--dataset", "csv:" + csv, "--label-column", "species", "--resume",
                dir.resolve("empty").toString());
        assertEquals(2, nothing.exitCode(), nothing.all());
        assertTrue(nothing.err().contains("holds no checkpoint"), nothing.err());

        Path resumedMetrics = dir.resolve("resumed.json");
        CliRun resumed = train("--dataset", "csv:" + csv, "--label-column", "species", "--epochs", "3",
                "--resume", checkpoints.toString(), "--metrics-out", resumedMetrics.toString());
        Path straightMetrics = dir.resolve("straight.json");
        CliRun straight = train("--dataset", "csv:" + csv, "--label-column", "species", "--epochs", "3",
                "--checkpoint-dir", dir.resolve("straight").toString(), "--metrics-out", straightMetrics.toString());

        assertEquals(0, resumed.exitCode(), resumed.all());
        assertEquals(0, straight.exitCode(), straight.all());
        assertTrue(resumed.err().contains("Resuming from " + checkpoints.resolve("checkpoint-epoch-0002.pb"))
                && resumed.err().contains("epoch 3/3") && !resumed.err().contains("epoch 1/3"), resumed.err());
        try (Stream<Path> files = Files.list(checkpoints)) {
            assertEquals(3, files.filter(f -> f.getFileName().toString().startsWith("checkpoint-epoch-")).count());
        }
        JsonNode a = new ObjectMapper().readTree(resumedMetrics.toFile());
        JsonNode b = new ObjectMapper().readTree(straightMetrics.toFile());
        for (String metric : List.of("precision_at_1", "map_at_r", "ndcg_at_10")) {
            assertEquals(b.get(metric).asDouble(), a.get(metric).asDouble(), metric);
        }
    }

    /** A small, quick training run with these options added. */
    private static CliRun train(String... options) {
        List<String> args = new ArrayList<>(List.of("train", "--network", "mlp:16,8", "--batch-size", "32",
                "--m-per-class", "8", "--seed", "3"));
        args.addAll(List.of(options));
        return CliRun.of(args.toArray(String[]::new));
    }
}
