package org.dml4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The CUB-200-2011 layout: {@code images.txt} ({@code image_id path}, paths under {@code images/}) and {@code
 * image_class_labels.txt} ({@code image_id class_id}); when {@code classes.txt} ({@code class_id name}) is there
 * too, every class id must be one of its. Labels are the class ids. The metric-learning protocol splits by class
 * (classes 1-100 train, 101-200 test), so the dataset's own {@code train_test_split.txt}, a split by image, is not
 * read.
 */
public final class Cub200Layout {

    /** The expected layout, for error messages. */
    public static final String LAYOUT = "the CUB-200-2011 layout: DIR/images.txt (image_id path), "
            + "DIR/image_class_labels.txt (image_id class_id), optionally DIR/classes.txt (class_id name), and the "
            + "images under DIR/images/";

    private static final String CLASSES = "classes.txt";

    private Cub200Layout() {
    }

    /**
     * Lists the images of a CUB-200-2011 folder and splits them by class.
     *
     * @param dir the folder holding {@code images.txt}
     * @return the first half of the classes to train, the rest to test
     * @throws IOException if a file is missing or malformed, an image has no class or a class id is unknown
     */
    public static ImageSplits read(Path dir) throws IOException {
        Path imagesFile = LayoutFiles.require(dir, "images.txt", LAYOUT);
        Path labelsFile = LayoutFiles.require(dir, "image_class_labels.txt", LAYOUT);
        Set<String> classes = classes(dir);
        Map<String, String> classOf = new HashMap<>();
        for (LayoutFiles.Row row : LayoutFiles.rows(labelsFile, 2, false, LAYOUT)) {
            String label = row.id(1, "class_id", LAYOUT);
            if (classes != null && !classes.contains(label)) {
                throw row.error("class_id " + label + " is not listed in " + dir.resolve(CLASSES), LAYOUT);
            }
            classOf.put(row.id(0, "image_id", LAYOUT), label);
        }
        List<LabeledImage> images = new ArrayList<>();
        for (LayoutFiles.Row row : LayoutFiles.rows(imagesFile, 2, false, LAYOUT)) {
            String image = row.id(0, "image_id", LAYOUT);
            String label = classOf.get(image);
            if (label == null) {
                throw row.error("image " + image + " has no class in " + labelsFile, LAYOUT);
            }
            images.add(new LabeledImage(dir.resolve("images").resolve(row.fields()[1]), label));
        }
        return ImageSplits.byClassHalves(images);
    }

    /** The class ids of {@code classes.txt}, or null when the folder has none. */
    private static Set<String> classes(Path dir) throws IOException {
        Path file = dir.resolve(CLASSES);
        if (!Files.exists(file)) {
            return null;
        }
        Set<String> ids = new HashSet<>();
        for (LayoutFiles.Row row : LayoutFiles.rows(file, 2, false, LAYOUT)) {
            ids.add(row.id(0, "class_id", LAYOUT));
        }
        return ids;
    }
}
