package org.dml4j.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The CUB-200-2011 layout: {@code images.txt} ({@code image_id path}, paths under {@code images/}) and {@code
 * image_class_labels.txt} ({@code image_id class_id}). Labels are the class ids. The metric-learning protocol splits
 * by class (classes 1-100 train, 101-200 test), so the dataset's own {@code train_test_split.txt}, a split by
 * image, is not read.
 */
public final class Cub200Layout {

    /** The expected layout, for error messages. */
    public static final String LAYOUT = "the CUB-200-2011 layout: DIR/images.txt (image_id path), "
            + "DIR/image_class_labels.txt (image_id class_id) and the images under DIR/images/";

    private Cub200Layout() {
    }

    /**
     * Lists the images of a CUB-200-2011 folder and splits them by class.
     *
     * @param dir the folder holding {@code images.txt}
     * @return the first half of the classes to train, the rest to test
     * @throws IOException if a file is missing or malformed, or an image has no class
     */
    public static ImageSplits read(Path dir) throws IOException {
        Path imagesFile = LayoutFiles.require(dir, "images.txt", LAYOUT);
        Path labelsFile = LayoutFiles.require(dir, "image_class_labels.txt", LAYOUT);
        Map<String, String> classOf = new HashMap<>();
        for (String[] row : LayoutFiles.rows(labelsFile, 2, false, LAYOUT)) {
            classOf.put(row[0], row[1]);
        }
        List<LabeledImage> images = new ArrayList<>();
        for (String[] row : LayoutFiles.rows(imagesFile, 2, false, LAYOUT)) {
            String label = classOf.get(row[0]);
            if (label == null) {
                throw new IOException("image " + row[0] + " of " + imagesFile + " has no class in " + labelsFile
                        + "; expected " + LAYOUT);
            }
            images.add(new LabeledImage(dir.resolve("images").resolve(row[1]), label));
        }
        return ImageSplits.byClassHalves(images);
    }
}
