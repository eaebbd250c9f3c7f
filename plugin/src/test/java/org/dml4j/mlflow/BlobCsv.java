package org.dml4j.mlflow;

import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.data.csv.CSVLoader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/** CSV files of Gaussian blobs (one per class, well apart), loaded with Tribuo's own {@link CSVLoader}. */
final class BlobCsv {

    private BlobCsv() {
    }

    /**
     * Writes {@code rows} rows of {@code features} features and a {@code label} column of {@code classes} classes.
     *
     * @param file     the file
     * @param rows     the rows
     * @param features the features
     * @param classes  the classes
     * @param seed     the seed
     * @return the file
     */
    static Path write(Path file, int rows, int features, int classes, long seed) {
        Random random = new Random(seed);
        StringBuilder csv = new StringBuilder();
        for (int f = 0; f < features; f++) {
            csv.append('f').append(f).append(',');
        }
        csv.append("label\n");
        for (int r = 0; r < rows; r++) {
            int label = r % classes;
            for (int f = 0; f < features; f++) {
                double centre = (f % classes == label ? 4.0 : 0.0);
                csv.append(String.format(Locale.ROOT, "%.4f,", centre + random.nextGaussian()));
            }
            csv.append("class").append(label).append('\n');
        }
        try {
            return Files.writeString(file, csv);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Loads a file written by {@link #write}.
     *
     * @param file the file
     * @return the dataset, with Tribuo's CSV provenance (path, content hash, columns)
     */
    static MutableDataset<Label> load(Path file) {
        try {
            return new CSVLoader<>(new LabelFactory()).load(file, "label");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
