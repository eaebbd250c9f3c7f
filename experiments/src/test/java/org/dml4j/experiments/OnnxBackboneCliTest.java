package org.dml4j.experiments;

import org.dml4j.model.EmbeddingModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.classification.Label;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dml4j train --network onnx:model.onnx:embedding=E} fine-tunes an imported ONNX backbone (the library's
 * ResNet-18-shaped test export, 1x28x28 input) end to end on a CSV of 784-feature rows and saves a model that loads; a
 * bad model file is one clear message with exit code 2. (The library's {@code OnnxFineTuningTest} trains it on
 * Fashion-MNIST rows; loading Fashion-MNIST through the CLI would make this test ten times slower.)
 */
class OnnxBackboneCliTest {

    private static final Path RESNET = Path.of("../tribuo-extensions/src/test/resources/onnx/resnet18-narrow.onnx");

    @Test
    void trainsAnImportedBackboneEndToEnd(@TempDir Path dir) throws IOException {
        assertTrue(Files.isRegularFile(RESNET), RESNET.toAbsolutePath() + " is missing");
        Path model = dir.resolve("model.dml4j");
        Path csv = ClusterCsv.write(dir, 160, 784);
        CliRun run = CliRun.of("train", "--dataset", "csv:" + csv, "--label-column", "species", "--epochs", "1",
                "--batch-size", "32", "--m-per-class", "8", "--network", "onnx:" + RESNET + ":embedding=16",
                "--loss", "contrastive", "--quiet", "--model-out", model.toString());
        assertEquals(0, run.exitCode(), run.all());
        assertTrue(run.lines().stream().anyMatch(l -> l.startsWith("map_at_r")), run.all());
        EmbeddingModel loaded = (EmbeddingModel) Model.deserializeFromFile(model).castModel(Label.class);
        assertEquals(16, loaded.embeddingSize());
        assertTrue(loaded.network().parameters().containsKey("1.layer4.1.conv2.weight"),
                loaded.network().parameters().keySet().toString());
    }

    @Test
    void aBadModelFileIsOneClearMessage(@TempDir Path dir) throws IOException {
        Path broken = Files.writeString(dir.resolve("broken.onnx"), "not a model");
        CliRun run = CliRun.of("train", "--dataset", "csv:" + ClusterCsv.write(dir), "--label-column", "species",
                "--network", "onnx:" + broken);
        assertEquals(2, run.exitCode(), run.all());
        assertTrue(run.err().contains(broken + " is not an ONNX model"), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
    }
}
