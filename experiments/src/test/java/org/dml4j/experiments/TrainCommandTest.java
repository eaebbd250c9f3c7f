package org.dml4j.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dml4j.model.EmbeddingModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.classification.Label;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainCommandTest {

    @TempDir
    static Path dir;
    private static Path csv;

    @BeforeAll
    static void writeCsv() throws IOException {
        csv = ClusterCsv.write(dir);
    }

    @Test
    void trainsEvaluatesAndWritesTheModelAndMetrics() throws IOException {
        Path metrics = dir.resolve("metrics.json");
        Path model = dir.resolve("model.dml4j");
        CliRun run = CliRun.of("train", "--dataset", "csv:" + csv, "--label-column", "species", "--loss", "triplet",
                "--margin", "0.2", "--miner", "semihard", "--network", "mlp:32,8", "--epochs", "5",
                "--batch-size", "32", "--m-per-class", "8", "--lr", "0.003", "--seed", "1", "--metrics-out",
                metrics.toString(), "--model-out", model.toString());
        assertEquals(0, run.exitCode(), run.all());
        assertTrue(run.err().contains("epoch 5/5"), run.err());
        JsonNode json = new ObjectMapper().readTree(metrics.toFile());
        assertTrue(json.get("map_at_r").asDouble() > 0.8, json.toString());
        assertTrue(json.has("precision_at_1") && json.has("recall_at_1") && json.has("ndcg_at_10"), json.toString());
        EmbeddingModel loaded = (EmbeddingModel) Model.deserializeFromFile(model).castModel(Label.class);
        assertEquals(8, loaded.embeddingSize());
    }

    @Test
    void trainsWithCrossBatchMemoryAndFromAnnotatedTriplets() throws IOException {
        CliRun memory = CliRun.of("train", "--dataset", "csv:" + csv, "--label-column", "species", "--loss",
                "contrastive", "--network", "mlp:32,8", "--epochs", "2", "--batch-size", "32", "--m-per-class", "8",
                "--memory-size", "64", "--quiet");
        assertEquals(0, memory.exitCode(), memory.all());
        // Triplets of training-row indices (the library's TupleSupervisionTest checks what they teach).
        StringBuilder triplets = new StringBuilder("anchor,positive,negative\n");
        for (int i = 0; i + 2 < 150; i += 2) {
            // Even rows form one group; each odd row is unlike it.
            triplets.append(i).append(',').append(i + 2).append(',').append(i + 1).append('\n');
        }
        Path file = dir.resolve("triplets.csv");
        Files.writeString(file, triplets.toString());
        CliRun tuples = CliRun.of("train", "--dataset", "csv:" + csv, "--label-column", "species", "--loss",
                "triplet", "--margin", "0.2", "--network", "mlp:32,8", "--epochs", "1", "--batch-size", "32",
                "--m-per-class", "8", "--tuples", file.toString(), "--tuple-kind", "TRIPLETS");
        assertEquals(0, tuples.exitCode(), tuples.all());
        assertTrue(tuples.err().contains("epoch 1/1"), tuples.all());
        Files.writeString(file, "anchor,positive,negative\n0,1,2\n3,4,100000\n");
        CliRun bad = CliRun.of("train", "--dataset", "csv:" + csv, "--label-column", "species", "--loss", "triplet",
                "--network", "mlp:32,8", "--epochs", "1", "--batch-size", "32", "--m-per-class", "8", "--tuples",
                file.toString());
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("line 3"), bad.err());
    }

    @Test
    void everyShippedConfigurationTrains() throws IOException {
        try (Stream<Path> configs = Files.list(Path.of("configs"))) {
            for (Path config : configs.filter(c -> c.toString().endsWith(".xml")).sorted().toList()) {
                // the files' batch of 256 would not fit the 64 examples (TrainingLimits refuses it)
                CliRun run = CliRun.of("train", "--dataset", "csv:" + csv, "--label-column", "species", "--config",
                        config.toString(), "--quiet", "--train-limit", "64", "--config-override",
                        "trainer.batchSize=64");
                assertEquals(0, run.exitCode(), config + ": " + run.all());
                assertTrue(run.lines().stream().anyMatch(l -> l.startsWith("map_at_r")), run.all());
            }
        }
    }

    @Test
    void trainsOnRealFashionMnist() {
        // Debian's dataset-fashion-mnist, installed by scripts/setup.sh.
        CliRun run = CliRun.of("train", "--train-limit", "2000", "--epochs", "1", "--network", "mlp:64,32",
                "--loss", "contrastive", "--quiet", "--train-classes", "0-4", "--eval-classes", "5-9");
        assertEquals(0, run.exitCode(), run.all());
        assertTrue(run.lines().contains("num_evaluated_queries    5000.0000"), run.all());
    }

    @Test
    void mistakesGiveOneClearMessage() {
        CliRun loss = CliRun.of("train", "--dataset", "csv:" + csv, "--label-column", "species", "--loss", "tripple");
        assertEquals(2, loss.exitCode());
        assertTrue(loss.err().contains("Unknown loss 'tripple'. Choose one of [contrastive, triplet"), loss.err());
        CliRun column = CliRun.of("train", "--dataset", "csv:" + csv, "--label-column", "label");
        assertEquals(2, column.exitCode());
        assertTrue(column.err().contains("has no column 'label'") && column.err().contains("set --label-column"),
                column.err());
        CliRun batch = CliRun.of("train", "--dataset", "csv:" + csv, "--label-column", "species",
                "--batch-size", "30", "--m-per-class", "8");
        assertTrue(batch.err().contains("must be a multiple of --m-per-class"), batch.err());
        CliRun network = CliRun.of("train", "--dataset", "csv:" + csv, "--label-column", "species",
                "--network", "mlp:");
        assertEquals(2, network.exitCode());
        assertTrue(network.err().contains("mlp:"), network.err());
        CliRun data = CliRun.of("train", "--data-dir", dir.resolve("nothing").toString());
        assertEquals(2, data.exitCode());
        assertTrue(data.err().contains("apt-get install dataset-fashion-mnist"), data.err());
    }
}
