package org.dml4j.experiments;

import org.dml4j.model.EmbeddingModel;
import org.dml4j.nn.onnx.OnnxBackbone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tribuo.Model;
import org.tribuo.classification.Label;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dml4j train --network onnx:model.onnx:embedding=E} fine-tunes an imported ONNX backbone (the library's
 * ResNet-18-shaped test export, 1x28x28 input) end to end; {@code --backbone model.onnx} with {@code --freeze},
 * {@code --freeze-bn} and {@code --feature-cache} trains a head on a frozen trunk's cached features; fine-tuning flags
 * that do not fit are one clear message each; on a CSV of 784-feature rows and saves a model that loads; a
 * bad model file is one clear message with exit code 2. (The library's {@code OnnxFineTuningTest} trains it on
 * Fashion-MNIST rows; loading Fashion-MNIST through the CLI would make this test ten times slower.)
 */
class OnnxBackboneCliTest {

    private static final Path RESNET = Path.of("../tribuo-extensions/src/test/resources/onnx/resnet18-narrow.onnx");
    private static final Path MOBILENET = Path.of("../tribuo-extensions/src/test/resources/onnx/mobilenet-small.onnx");

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

    /** Issue 18: self-supervised training takes any network, an imported backbone included. */
    @Test
    void anImportedBackboneTrainsSelfSupervised(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("model.dml4j");
        Path csv = ClusterCsv.write(dir, 96, 784);
        CliRun run = CliRun.of("train", "--mode", "self-supervised", "--dataset", "csv:" + csv, "--label-column",
                "species", "--epochs", "1", "--batch-size", "32", "--backbone", MOBILENET.toString(),
                "--embedding-size", "8", "--views", "noise:0.2", "--projection-head", "mlp:8", "--quiet",
                "--model-out", model.toString());
        assertEquals(0, run.exitCode(), run.all());
        assertTrue(run.lines().stream().anyMatch(l -> l.startsWith("linear_probe_accuracy")), run.all());
        EmbeddingModel loaded = (EmbeddingModel) Model.deserializeFromFile(model).castModel(Label.class);
        assertEquals(8, loaded.embeddingSize());
        assertTrue(loaded.toString().contains("network=onnx:" + MOBILENET), loaded.toString());
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

    @Test
    void theBackboneFlagsTrainAHeadOnCachedFeaturesOfTheFrozenTrunk(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("model.dml4j");
        Path csv = ClusterCsv.write(dir, 96, 784);
        CliRun run = CliRun.of("train", "--dataset", "csv:" + csv, "--label-column", "species", "--epochs", "2",
                "--batch-size", "32", "--m-per-class", "8", "--backbone", MOBILENET.toString(), "--embedding-size",
                "8", "--freeze", "all", "--freeze-bn", "--feature-cache", "onnxruntime", "--loss", "contrastive",
                "--quiet", "--model-out", model.toString());
        assertEquals(0, run.exitCode(), run.all());
        EmbeddingModel loaded = (EmbeddingModel) Model.deserializeFromFile(model).castModel(Label.class);
        assertTrue(loaded.toString().contains("network=onnx:" + MOBILENET + ":embedding=8,freeze=all,freeze-bn=true"),
                loaded.toString());
        assertEquals(Set.of("2.weight", "2.bias"), loaded.network().parameters().keySet());
        String provenance = loaded.getProvenance().toString();
        assertTrue(provenance.contains("featureCache") && provenance.contains("ONNXRUNTIME"), provenance);
        Map<String, INDArray> imported = OnnxBackbone.read(MOBILENET).layer(DataType.FLOAT).buffers();
        imported.forEach((name, value) -> assertEquals(value, loaded.network().buffers().get("1." + name), name));
    }

    @Test
    void trainPerClassKeepsTheFirstKImagesOfEachClass(@TempDir Path dir) throws IOException {
        Path events = dir.resolve("events.jsonl");
        CliRun run = CliRun.of("train", "--dataset", "csv:" + ClusterCsv.write(dir), "--label-column", "species",
                "--train-per-class", "4", "--batch-size", "8", "--m-per-class", "4", "--epochs", "1", "--network",
                "mlp:8,4", "--quiet", "--events-out", events.toString());
        assertEquals(0, run.exitCode(), run.all());
        String start = Files.readAllLines(events).get(0);
        assertTrue(start.contains("\"dataset.size\":\"16\"") && start.contains("\"dataset.classes\":\"4\""), start);
        CliRun zero = CliRun.of("train", "--dataset", "csv:" + ClusterCsv.write(dir), "--label-column", "species",
                "--train-per-class", "0");
        assertEquals(2, zero.exitCode(), zero.all());
        assertTrue(zero.err().contains("--train-per-class must be >= 1, found 0"), zero.err());
    }

    @Test
    void backboneFlagsThatDoNotFitAreOneClearMessage(@TempDir Path dir) throws IOException {
        Path csv = ClusterCsv.write(dir);
        String[][] cases = {
                {"--backbone", MOBILENET.toString(), "--network", "mlp:16,8"},
                {"--freeze", "all"},
                {"--unfreeze-after-epochs", "1"},
                {"--backbone", MOBILENET.toString(), "--backbone-lr-multiplier", "0"},
                {"--backbone", MOBILENET.toString(), "--feature-cache", "disk"},
                {"--backbone", MOBILENET.toString(), "--freeze", "half"}};
        String[] messages = {"both name the network: give one", "--freeze configure --backbone MODEL.onnx",
                "give --backbone MODEL.onnx (the network is mlp:512,128)",
                "--backbone-lr-multiplier must be positive and finite",
                "--feature-cache must be none, network or onnxruntime, found 'disk'",
                "freeze must be none, all or a count of layers, found 'half'"};
        for (int i = 0; i < cases.length; i++) {
            List<String> args = new ArrayList<>(List.of("train", "--dataset", "csv:" + csv, "--label-column",
                    "species"));
            args.addAll(List.of(cases[i]));
            CliRun run = CliRun.of(args.toArray(String[]::new));
            assertEquals(2, run.exitCode(), run.all());
            assertTrue(run.err().contains(messages[i]), run.err());
            assertEquals(1, run.err().strip().lines().count(), run.err());
        }
    }
}
