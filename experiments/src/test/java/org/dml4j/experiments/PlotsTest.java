package org.dml4j.experiments;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

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

    @Test
    void trainWritesTheLossRecallAndEmbeddingPlotsNextToTheModel() throws IOException {
        Path csv = ClusterCsv.write(dir);
        CliRun run = CliRun.of("train", "--dataset", "csv:" + csv, "--label-column", "species", "--network",
                "mlp:16,4", "--epochs", "2", "--batch-size", "32", "--m-per-class", "8", "--quiet", "--model-out",
                dir.resolve("clusters.dml4j").toString());
        assertEquals(0, run.exitCode(), run.all());
        for (String plot : new String[]{"loss", "recall_at_k", "embeddings_pca"}) {
            Path file = dir.resolve("clusters-" + plot + ".png");
            BufferedImage image = ImageIO.read(file.toFile());
            assertNotNull(image, file + " is a PNG");
            assertEquals(PlotCanvas.WIDTH, image.getWidth());
            assertEquals(PlotCanvas.HEIGHT, image.getHeight());
        }
        assertTrue(run.lines().stream().anyMatch(l -> l.startsWith("map_at_r")), run.all());
    }
}
