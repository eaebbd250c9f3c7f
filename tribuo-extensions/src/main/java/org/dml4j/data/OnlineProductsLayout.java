package org.dml4j.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Stanford Online Products layout: {@code Ebay_train.txt} and {@code Ebay_test.txt}, each a header line then
 * {@code image_id class_id super_class_id path} rows, paths relative to the dataset folder. Labels are the class
 * ids; the two files are the protocol's split (classes 1-11318 train, 11319-22634 test).
 */
public final class OnlineProductsLayout {

    /** The expected layout, for error messages. */
    public static final String LAYOUT = "the Stanford Online Products layout: DIR/Ebay_train.txt and "
            + "DIR/Ebay_test.txt (a header, then image_id class_id super_class_id path, paths relative to DIR)";

    private OnlineProductsLayout() {
    }

    /**
     * Lists the training and test images of a Stanford Online Products folder.
     *
     * @param dir the folder holding {@code Ebay_train.txt}
     * @return the split of the two files
     * @throws IOException if a file is missing or malformed
     */
    public static ImageSplits read(Path dir) throws IOException {
        return new ImageSplits(images(dir, "Ebay_train.txt"), images(dir, "Ebay_test.txt"));
    }

    private static List<LabeledImage> images(Path dir, String name) throws IOException {
        List<LabeledImage> images = new ArrayList<>();
        for (String[] row : LayoutFiles.rows(LayoutFiles.require(dir, name, LAYOUT), 4, true, LAYOUT)) {
            images.add(new LabeledImage(dir.resolve(row[3]), row[1]));
        }
        return images;
    }
}
