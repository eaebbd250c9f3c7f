package org.dml4j.experiments;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageDatasetCommandTest {

    @TempDir
    Path dir;

    /** A 12×10 PNG of class {@code cls}: a bar at a class-specific row, in a class-specific color, plus noise. */
    private void png(Path file, int cls, int index) throws IOException {
        BufferedImage image = new BufferedImage(12, 10, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(index * 9 % 40, index * 7 % 40, index * 5 % 40));
        g.fillRect(0, 0, 12, 10);
        g.setColor(new Color(255 - 60 * cls, 60 * cls, 120));
        g.fillRect(0, 2 * cls, 12, 2);
        g.dispose();
        Files.createDirectories(file.getParent());
        ImageIO.write(image, "png", file.toFile());
    }

    @Test
    void trainsACnnOnAnImageFolder() throws IOException {
        for (int cls = 0; cls < 4; cls++) {
            for (int i = 0; i < 10; i++) {
                png(dir.resolve("folder/c" + cls + "/" + i + ".png"), cls, i);
            }
        }
        CliRun run = CliRun.of("train", "--dataset", "image-folder:" + dir.resolve("folder"), "--image-size", "8",
                "--network", "cnn:4,8:image=1x8x8", "--epochs", "1", "--batch-size", "16", "--m-per-class", "4",
                "--loss", "contrastive", "--quiet");
        assertEquals(0, run.exitCode(), run.all());
        assertTrue(run.lines().stream().anyMatch(l -> l.matches("num_evaluated_queries +8\\.0000")), run.all());
    }

    @Test
    void trainsOnCubsClassSplitInColor() throws IOException {
        StringBuilder images = new StringBuilder();
        StringBuilder labels = new StringBuilder();
        for (int id = 1; id <= 32; id++) {
            int cls = (id - 1) / 8 + 1;
            String path = String.format("%03d.bird/%d.png", cls, id);
            png(dir.resolve("cub/images/" + path), cls - 1, id);
            images.append(id).append(' ').append(path).append('\n');
            labels.append(id).append(' ').append(cls).append('\n');
        }
        CliRun missing = CliRun.of("train", "--dataset", "cub:" + dir.resolve("cub"));
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("missing " + dir.resolve("cub/images.txt")), missing.err());
        assertTrue(missing.err().contains("Give --dataset cub:DIR"), missing.err());
        Files.writeString(dir.resolve("cub/images.txt"), images.toString());
        Files.writeString(dir.resolve("cub/image_class_labels.txt"), labels.toString());
        CliRun run = CliRun.of("train", "--dataset", "cub:" + dir.resolve("cub"), "--image-size", "8",
                "--image-channels", "3", "--network", "cnn:4,8:image=3x8x8", "--epochs", "1", "--batch-size", "8",
                "--m-per-class", "4", "--loss", "contrastive", "--quiet");
        assertEquals(0, run.exitCode(), run.all());
        // Classes 3 and 4 (16 images) are the evaluation half.
        assertTrue(run.lines().stream().anyMatch(l -> l.matches("num_evaluated_queries +16\\.0000")), run.all());
        png(dir.resolve("cars/only/1.png"), 0, 1);
        CliRun oneClass = CliRun.of("train", "--dataset", "cars196:" + dir.resolve("cars"));
        assertEquals(2, oneClass.exitCode());
        assertTrue(oneClass.err().contains("needs at least two classes, found [only]. Give --dataset cars196:DIR"),
                oneClass.err());
        png(dir.resolve("release/car_ims/000001.png"), 0, 1);
        CliRun noAnnotations = CliRun.of("train", "--dataset", "cars196:" + dir.resolve("release"));
        assertEquals(2, noAnnotations.exitCode());
        assertTrue(noAnnotations.err().contains("Cannot read the cars196 dataset: missing "
                + dir.resolve("release/cars_annos.mat") + ", which holds the classes of the official release's "
                + "car_ims/; put the release's cars_annos.mat next to car_ims/"), noAnnotations.err());
        CliRun channels = CliRun.of("train", "--dataset", "cub:" + dir.resolve("cub"), "--image-channels", "2");
        assertEquals(2, channels.exitCode());
        assertTrue(channels.err().contains("--image-channels 1 (grey) or 3 (RGB)"), channels.err());
    }
}
