package org.dml4j.experiments.report;

import org.dml4j.experiments.CliRun;
import org.dml4j.experiments.ClusterCsv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlotsTest {

    @TempDir
    Path dir;

    @Test
    void pcaOfPointsOnALineIn10dHasAOneDimensionalSpread() {
        Random rng = new Random(5);
        double[] origin = new double[10];
        double[] direction = new double[10];
        double norm = 0;
        for (int j = 0; j < 10; j++) {
            origin[j] = rng.nextGaussian();
            direction[j] = rng.nextGaussian();
            norm += direction[j] * direction[j];
        }
        norm = Math.sqrt(norm);
        double[] t = new double[50];
        double[][] points = new double[50][10];
        for (int i = 0; i < 50; i++) {
            t[i] = 4 * rng.nextGaussian();
            for (int j = 0; j < 10; j++) {
                points[i][j] = origin[j] + t[i] * direction[j];
            }
        }
        Pca pca = Pca.of(points, 2);
        assertEquals(1.0, pca.explained()[0], 1e-12);
        assertEquals(0.0, pca.explained()[1], 1e-12);
        for (int i = 1; i < 50; i++) {
            // Distances along the line are kept by the first component and nothing is left for the second.
            assertEquals(Math.abs(t[i] - t[0]) * norm,
                    Math.abs(pca.points()[i][0] - pca.points()[0][0]), 1e-9);
            assertEquals(0.0, pca.points()[i][1], 1e-9);
        }
    }

    /** The number of pixels of exactly {@code color} in a rectangle of an image. */
    private static int count(BufferedImage image, Color color, int left, int top, int right, int bottom) {
        int n = 0;
        for (int x = left; x < right; x++) {
            for (int y = top; y < bottom; y++) {
                n += image.getRGB(x, y) == color.getRGB() ? 1 : 0;
            }
        }
        return n;
    }

    private static BufferedImage read(Path file) throws IOException {
        BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image, file + " is a PNG");
        assertEquals(PlotCanvas.WIDTH, image.getWidth());
        assertEquals(PlotCanvas.HEIGHT, image.getHeight());
        return image;
    }

    @Test
    void linesDrawEachSeriesAtItsPointsInItsColorAndALegendOnlyForSeveral() throws IOException {
        double[] x = {1, 2, 3, 4};
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("map_at_r", new double[]{0.5, 0.2, 0.12, 0.1});
        series.put("precision_at_1", new double[]{0.9, 0.5, 0.35, 0.3});
        Path two = dir.resolve("two.png");
        Plots.lines(two, "Validation", "epoch", "value", x, series);
        BufferedImage image = read(two);
        // The canvas maps data to pixels from the range of every series together.
        PlotCanvas axes = new PlotCanvas("", "", "", x, new double[]{0.5, 0.2, 0.12, 0.1, 0.9, 0.5, 0.35, 0.3});
        int s = 0;
        for (double[] y : series.values()) {
            Color color = Plots.SERIES_COLORS.get(s++);
            for (int i = 0; i < x.length; i++) {
                assertEquals(color.getRGB(), image.getRGB(axes.x(x[i]), axes.y(y[i])), "point " + i + " of " + s);
            }
        }
        // The legend has a 10×10 square of each series' color, top right, which falling lines leave free.
        int right = PlotCanvas.WIDTH - 35;
        for (Color color : Plots.SERIES_COLORS.subList(0, 2)) {
            assertEquals(100, count(image, color, right - 200, 55, right, 110), color.toString());
        }
        assertTrue(count(image, Color.BLACK, 0, 0, PlotCanvas.WIDTH, 30) > 50, "a title");
        // Rising lines leave the bottom right corner free instead.
        series.put("map_at_r", new double[]{0.1, 0.12, 0.2, 0.5});
        series.put("precision_at_1", new double[]{0.3, 0.35, 0.5, 0.9});
        Plots.lines(two, "Validation", "epoch", "value", x, series);
        BufferedImage rising = read(two);
        int bottom = PlotCanvas.HEIGHT - 50;
        assertEquals(0, count(rising, Plots.SERIES_COLORS.get(0), right - 200, 55, right, 110), "top right");
        assertEquals(100, count(rising, Plots.SERIES_COLORS.get(1), right - 200, bottom - 60, right, bottom));

        Path one = dir.resolve("one.png");
        Plots.line(one, "Loss", "epoch", "loss", x, new double[]{0.5, 0.2, 0.12, 0.1});
        BufferedImage single = read(one);
        assertEquals(0, count(single, Plots.SERIES_COLORS.get(0), right - 200, 55, right, 110), "no legend");
        assertTrue(count(single, Plots.SERIES_COLORS.get(0), 0, 0, PlotCanvas.WIDTH, PlotCanvas.HEIGHT) > 100);
    }

    @Test
    void trainWritesTheLossValidationRecallAndEmbeddingPlotsNextToTheModel() throws IOException {
        Path csv = ClusterCsv.write(dir);
        CliRun run = CliRun.of("train", "--dataset", "csv:" + csv, "--label-column", "species", "--network",
                "mlp:16,4", "--epochs", "2", "--batch-size", "32", "--m-per-class", "8", "--quiet", "--model-out",
                dir.resolve("clusters.dml4j").toString(), "--validation-fraction", "0.25");
        assertEquals(0, run.exitCode(), run.all());
        for (String plot : new String[]{"loss", "recall_at_k"}) {
            BufferedImage image = read(dir.resolve("clusters-" + plot + ".png"));
            assertTrue(count(image, Plots.SERIES_COLORS.get(0), 0, 0, PlotCanvas.WIDTH, PlotCanvas.HEIGHT) > 0, plot);
        }
        read(dir.resolve("clusters-embeddings_pca.png"));
        // One line for each of the validation metrics.
        BufferedImage validation = read(dir.resolve("clusters-validation.png"));
        for (Color color : Plots.SERIES_COLORS.subList(0, RunPlots.VALIDATION_METRICS.size())) {
            assertTrue(count(validation, color, 0, 0, PlotCanvas.WIDTH, PlotCanvas.HEIGHT) >= 100, color.toString());
        }
        assertTrue(run.lines().stream().anyMatch(l -> l.startsWith("map_at_r")), run.all());
    }
}
