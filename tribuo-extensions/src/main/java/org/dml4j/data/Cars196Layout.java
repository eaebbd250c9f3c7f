package org.dml4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Cars196 (Stanford Cars) as class folders: either {@code DIR/train/CLASS/} and {@code DIR/test/CLASS/} (the
 * common "car_data" re-packaging, whose two parts the metric-learning protocol pools) or {@code DIR/CLASS/}. The
 * official annotations ({@code cars_annos.mat}) are MATLAB files, which this reader does not parse. Classes are
 * ordered as {@link LabelIndex} orders their folder names (numerically when the folders are class ids), and the
 * first half of them trains (1-98 of 196), the rest tests.
 */
public final class Cars196Layout {

    /** The expected layout, for error messages. */
    public static final String LAYOUT = "Cars196 as class folders: DIR/train/CLASS/ and DIR/test/CLASS/, or "
            + "DIR/CLASS/, holding *.jpg|jpeg|png (cars_annos.mat is not read)";

    private Cars196Layout() {
    }

    /**
     * Lists the images of a Cars196 folder and splits them by class.
     *
     * @param dir the folder
     * @return the first half of the classes to train, the rest to test
     * @throws IOException if the folder is missing or holds no image
     */
    public static ImageSplits read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("Cars196 folder " + dir + " does not exist; expected " + LAYOUT);
        }
        Path train = dir.resolve("train");
        Path test = dir.resolve("test");
        List<LabeledImage> images = new ArrayList<>();
        if (Files.isDirectory(train) && Files.isDirectory(test)) {
            images.addAll(ImageFolderLayout.read(train));
            images.addAll(ImageFolderLayout.read(test));
        } else {
            images.addAll(ImageFolderLayout.read(dir));
        }
        return ImageSplits.byClassHalves(images);
    }
}
