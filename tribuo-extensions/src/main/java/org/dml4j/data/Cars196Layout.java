package org.dml4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Cars196 (Stanford Cars) in either of its layouts. The official release: {@code DIR/cars_annos.mat} (a MATLAB
 * file: the {@code annotations} struct array's {@code relative_im_path} and {@code class}, bounding boxes and the
 * release's split by image unused) and the images under {@code DIR/car_ims/}, labelled by class id. Or class
 * folders: {@code DIR/train/CLASS/} and {@code DIR/test/CLASS/} (the common "car_data" re-packaging, whose two parts
 * the metric-learning protocol pools) or {@code DIR/CLASS/}. Classes are ordered as {@link LabelIndex} orders them
 * (numerically when they are class ids), and the first half of them trains (1-98 of 196), the rest tests.
 */
public final class Cars196Layout {

    /** The expected layout, for error messages. */
    public static final String LAYOUT = "Cars196 as the official release, DIR/" + CarsAnnotations.FILE
            + " (its annotations struct with relative_im_path and class, and class_names) and the images under "
            + "DIR/car_ims/, or as class folders, DIR/train/CLASS/ and DIR/test/CLASS/ or DIR/CLASS/, holding "
            + "*.jpg|jpeg|png";

    private Cars196Layout() {
    }

    /**
     * Lists the images of a Cars196 folder and splits them by class.
     *
     * @param dir the folder
     * @return the first half of the classes to train, the rest to test
     * @throws IOException if the folder is missing, its annotations are missing or malformed, or it holds no image
     */
    public static ImageSplits read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("Cars196 folder " + dir + " does not exist; expected " + LAYOUT);
        }
        Path annotations = dir.resolve(CarsAnnotations.FILE);
        Path train = dir.resolve("train");
        Path test = dir.resolve("test");
        List<LabeledImage> images = new ArrayList<>();
        if (Files.exists(annotations)) {
            images.addAll(CarsAnnotations.read(annotations, LAYOUT));
        } else if (Files.isDirectory(dir.resolve("car_ims"))) {
            throw new IOException("missing " + annotations + ", which holds the classes of the official release's "
                    + "car_ims/; put the release's " + CarsAnnotations.FILE + " next to car_ims/, expected " + LAYOUT);
        } else if (Files.isDirectory(train) && Files.isDirectory(test)) {
            images.addAll(ImageFolderLayout.read(train, LAYOUT));
            images.addAll(ImageFolderLayout.read(test, LAYOUT));
        } else {
            images.addAll(ImageFolderLayout.read(dir, LAYOUT));
        }
        return ImageSplits.byClassHalves(images);
    }
}
