package org.dml4j.experiments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** A small generated CSV dataset: 240 rows in 4 well-separated Gaussian clusters of 8 features, label "species". */
public final class ClusterCsv {

    private ClusterCsv() {
    }

    public static Path write(Path dir) throws IOException {
        return write(dir, 240, 8, "clusters.csv");
    }

    /**
     * A CSV of {@code rows} rows in 4 clusters of {@code features} features, label "species", named {@code wide.csv}.
     *
     * @param dir      the folder
     * @param rows     the rows
     * @param features the features
     * @return the file
     * @throws IOException when it cannot be written
     */
    public static Path write(Path dir, int rows, int features) throws IOException {
        return write(dir, rows, features, "wide.csv");
    }

    private static Path write(Path dir, int rows, int features, String name) throws IOException {
        Random rng = new Random(4);
        double[][] centres = new double[4][features];
        for (double[] c : centres) {
            for (int k = 0; k < features; k++) {
                c[k] = 3 * rng.nextGaussian();
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < features; k++) {
            sb.append('f').append(k).append(',');
        }
        sb.append("species\n");
        for (int i = 0; i < rows; i++) {
            int c = i % 4;
            for (int k = 0; k < features; k++) {
                sb.append(String.format("%.4f,", centres[c][k] + rng.nextGaussian()));
            }
            sb.append("class").append(c).append('\n');
        }
        Path csv = dir.resolve(name);
        Files.writeString(csv, sb.toString());
        return csv;
    }
}
