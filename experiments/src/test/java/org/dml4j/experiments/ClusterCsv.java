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
        Random rng = new Random(4);
        double[][] centres = new double[4][8];
        for (double[] c : centres) {
            for (int k = 0; k < 8; k++) {
                c[k] = 3 * rng.nextGaussian();
            }
        }
        StringBuilder sb = new StringBuilder("f0,f1,f2,f3,f4,f5,f6,f7,species\n");
        for (int i = 0; i < 240; i++) {
            int c = i % 4;
            for (int k = 0; k < 8; k++) {
                sb.append(String.format("%.4f,", centres[c][k] + rng.nextGaussian()));
            }
            sb.append("class").append(c).append('\n');
        }
        Path csv = dir.resolve("clusters.csv");
        Files.writeString(csv, sb.toString());
        return csv;
    }
}
