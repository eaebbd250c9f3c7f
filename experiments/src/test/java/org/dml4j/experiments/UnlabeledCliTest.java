package org.dml4j.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dml4j train --unlabeled}: self-supervised training on a CSV file or an image folder of examples without
 * labels, next to the labelled dataset that the probe and the evaluation use; and the user errors of unlabeled data
 * and of few-shot classes too small for their episodes (exit 2, one line).
 */
class UnlabeledCliTest {

    @TempDir
    static Path dir;
    private static Path labelled;
    private static Path unlabeled;

    @BeforeAll
    static void writeData() throws IOException {
        labelled = ClusterCsv.write(dir);
        unlabeled = dir.resolve("unlabeled.csv");
        Files.write(unlabeled, Files.readAllLines(labelled).stream()
                .map(line -> line.substring(0, line.lastIndexOf(','))).toList());
    }

    private static CliRun train(String... options) {
        List<String> args = new ArrayList<>(List.of("train", "--dataset", "csv:" + labelled, "--label-column",
                "species", "--network", "mlp:16,8", "--quiet"));
        args.addAll(List.of(options));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void selfSupervisedTrainingAddsTheUnlabeledRowsAndProbesWithTheLabelledOnes() throws IOException {
        Path events = dir.resolve("events.jsonl");
        Path metrics = dir.resolve("metrics.json");
        CliRun run = train("--mode", "self-supervised", "--views", "noise:0.2", "--projection-head", "none",
                "--epochs", "3", "--batch-size", "64", "--unlabeled", "csv:" + unlabeled, "--events-out",
                events.toString(), "--metrics-out", metrics.toString());
        assertEquals(0, run.exitCode(), run.all());
        JsonNode start = new ObjectMapper().readTree(Files.readAllLines(events).get(0));
        assertEquals("432", start.at("/data/dataset.size").asText(), "192 labelled training rows + 240 unlabeled");
        JsonNode json = new ObjectMapper().readTree(metrics.toFile());
        assertTrue(json.get("linear_probe_accuracy").asDouble() > 0.9, json.toString());
    }

    @Test
    void aFolderOfImagesTrainsBesideALabelledOne() throws IOException {
        Path classes = dir.resolve("labelled-images");
        Random rng = new Random(3);
        for (int c = 0; c < 3; c++) {
            writeImages(Files.createDirectories(classes.resolve("class" + c)), 10, rng);
        }
        Path images = writeImages(Files.createDirectories(dir.resolve("images")), 20, rng);
        Path events = dir.resolve("image-events.jsonl");
        CliRun run = CliRun.of("train", "--dataset", "image-folder:" + classes, "--image-size", "8", "--mode",
                "self-supervised", "--network", "mlp:16,8", "--projection-head", "none", "--epochs", "1",
                "--batch-size", "16", "--quiet", "--unlabeled", "images:" + images, "--events-out",
                events.toString());
        assertEquals(0, run.exitCode(), run.all());
        JsonNode start = new ObjectMapper().readTree(Files.readAllLines(events).get(0));
        assertEquals("44", start.at("/data/dataset.size").asText(), "24 labelled training images + 20 unlabeled");
        assertEquals("64", start.at("/data/dataset.features").asText());
        expectUserError(CliRun.of("train", "--dataset", "image-folder:" + classes, "--image-size", "8", "--mode",
                "self-supervised", "--unlabeled", "images:" + classes), "holds no image file but sub-folders");
    }

    /** Random grey 8×8 PNG files. */
    private static Path writeImages(Path folder, int count, Random rng) throws IOException {
        for (int i = 0; i < count; i++) {
            BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
            for (int p = 0; p < 64; p++) {
                image.getRaster().setSample(p % 8, p / 8, 0, 1 + rng.nextInt(255));
            }
            ImageIO.write(image, "png", folder.resolve(String.format("img%02d.png", i)).toFile());
        }
        return folder;
    }

    @Test
    void unlabeledDataWhereLabelsAreNeededIsAUserError() throws IOException {
        expectUserError(train("--unlabeled", "csv:" + unlabeled, "--batch-size", "32"),
                "--unlabeled csv:" + unlabeled + ": examples without labels train only with --mode "
                        + "self-supervised; supervised training learns from class labels.");
        expectUserError(train("--mode", "episodic", "--way", "3", "--queries", "3", "--unlabeled",
                "csv:" + unlabeled), "episodic training learns from class labels");
        String ssl = "--mode=self-supervised";
        expectUserError(train(ssl, "--views", "noise", "--unlabeled", "csv:" + unlabeled, "--validation-fraction",
                "0.2"), "has no label (Tribuo's unknown label LABEL##UNKNOWN), but validation ranks by class "
                + "labels: set validationFraction to 0 (--validation-fraction 0)");
        expectUserError(train(ssl, "--views", "noise", "--unlabeled", "csv:" + labelled),
                labelled + " has a column 'species' (--label-column), but an unlabeled file holds only feature "
                        + "columns");
        Path narrow = dir.resolve("narrow.csv");
        Files.write(narrow, Files.readAllLines(unlabeled).stream()
                .map(line -> line.substring(0, line.lastIndexOf(','))).toList());
        expectUserError(train(ssl, "--views", "noise", "--unlabeled", "csv:" + narrow),
                "--unlabeled csv:" + narrow + " has 7 features, csv:" + labelled + " 8; it lacks [f7]. Give it "
                        + "the same feature columns");
        Path broken = dir.resolve("broken.csv");
        List<String> lines = new ArrayList<>(Files.readAllLines(unlabeled));
        lines.set(3, lines.get(3).replaceFirst("^[^,]*", "oops"));
        Files.write(broken, lines);
        expectUserError(train(ssl, "--views", "noise", "--unlabeled", "csv:" + broken),
                broken + " line 4, column 'f0': the value 'oops' is not a number");
        expectUserError(train(ssl, "--views", "noise", "--unlabeled", "parquet:" + unlabeled),
                "Unknown --unlabeled source 'parquet:" + unlabeled + "'. Use csv:PATH or images:DIR.");
        expectUserError(train(ssl, "--views", "noise", "--unlabeled", "images:" + dir.resolve("none")),
                "Cannot read the unlabeled images: unlabeled image folder");
        Path sweep = dir.resolve("sweep.json");
        Files.writeString(sweep, "{\"base\": {\"dataset\": \"csv:" + labelled + "\", \"label-column\": \"species\", "
                + "\"mode\": \"self-supervised\", \"unlabeled\": \"csv:" + unlabeled + "\"}, \"space\": {\"lr\": "
                + "[0.001]}}");
        expectUserError(CliRun.of("sweep", sweep.toString()), "'unlabeled' does not apply to sweeps");
    }

    @Test
    void episodicTrainingNamesAClassTooSmallForItsEpisodes() {
        // 40 of the 192 training rows, about 10 a class: fewer than 2 + 9; the 12 a class of evaluation are enough
        CliRun run = train("--mode", "episodic", "--way", "3", "--shot", "2", "--queries", "9", "--train-limit",
                "40");
        expectUserError(run, "examples, fewer than the 11 (shot + queries) an episode draws from each class");
        assertTrue(run.err().matches("(?s)dml4j train: episodic training on \\S*clusters\\.csv: class 'class.*"),
                run.err());
    }

    @Test
    void episodicTrainingNamesAnEvaluationClassTooSmallForItsEpisodesBeforeTraining() {
        expectUserError(train("--mode", "episodic", "--way", "3", "--shot", "5", "--queries", "10"),
                "Few-shot 3x5 with 10 queries: class 'class0' has 12 examples, fewer than the 15 (shot + queries)");
    }

    private static void expectUserError(CliRun run, String message) {
        assertEquals(2, run.exitCode(), run.all());
        assertTrue(run.err().contains(message), run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
        assertEquals(1, run.err().strip().lines().count(), "one line: " + run.err());
    }
}
