package org.dml4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the four standard (Fashion-)MNIST files are: {@code train-images-idx3-ubyte}, {@code
 * train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte}, each gzipped
 * ({@code .gz}) or not. The folder is the one given (e.g. {@code --data-dir}), else Debian's
 * {@value #DEBIAN_FASHION_MNIST} from the package {@code dataset-fashion-mnist}.
 *
 * @param directory the folder holding the files
 */
public record MnistFiles(Path directory) {

    /** Where Debian's {@code dataset-fashion-mnist} package installs the files. */
    public static final String DEBIAN_FASHION_MNIST = "/usr/share/datasets/fashion-mnist";

    /** The two parts of the dataset. */
    public enum Split {
        /** The 60,000 training images. */
        TRAIN("train"),
        /** The 10,000 test images. */
        TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }
    }

    /**
     * Finds the files.
     *
     * @param dataDir the folder given by the user, or null to use Debian's
     * @return the folder's files
     * @throws IOException if the folder lacks a file; the message names the folders tried and the fix
     */
    public static MnistFiles locate(Path dataDir) throws IOException {
        return locate(dataDir, Path.of(DEBIAN_FASHION_MNIST));
    }

    /**
     * Finds the files, with another fallback folder (for tests).
     *
     * @param dataDir  the folder given by the user, or null to use {@code fallback}
     * @param fallback the folder used when none is given
     * @return the folder's files
     * @throws IOException if the folder lacks a file; the message names the folders tried and the fix
     */
    static MnistFiles locate(Path dataDir, Path fallback) throws IOException {
        MnistFiles files = new MnistFiles(dataDir != null ? dataDir : fallback);
        for (Split split : Split.values()) {
            for (String kind : new String[]{"images-idx3", "labels-idx1"}) {
                if (files.find(split.prefix + "-" + kind + "-ubyte") == null) {
                    String where = dataDir != null ? "the data directory " + dataDir
                            : "no data directory was given and the default " + fallback;
                    throw new IOException("Fashion-MNIST not found: " + where + " has no " + split.prefix + "-"
                            + kind + "-ubyte[.gz]. Install Debian's copy into " + DEBIAN_FASHION_MNIST
                            + " with 'apt-get install dataset-fashion-mnist', or pass --data-dir with a folder "
                            + "holding the four IDX files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
                            + "t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz).");
                }
            }
        }
        return files;
    }

    /**
     * The images file of a split.
     *
     * @param split the split
     * @return its path
     */
    public Path images(Split split) {
        return find(split.prefix + "-images-idx3-ubyte");
    }

    /**
     * The labels file of a split.
     *
     * @param split the split
     * @return its path
     */
    public Path labels(Split split) {
        return find(split.prefix + "-labels-idx1-ubyte");
    }

    private Path find(String name) {
        for (String candidate : new String[]{name + ".gz", name}) {
            Path p = directory.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }
}
