package org.dml4j.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
     * @throws IOException if a file is missing or malformed, or a class is in both files
     */
    public static ImageSplits read(Path dir) throws IOException {
        List<LayoutFiles.Row> train = rows(dir, "Ebay_train.txt");
        List<LayoutFiles.Row> test = rows(dir, "Ebay_test.txt");
        Map<String, LayoutFiles.Row> trainClasses = new HashMap<>();
        for (LayoutFiles.Row row : train) {
            trainClasses.putIfAbsent(row.id(1, "class_id", LAYOUT), row);
        }
        for (LayoutFiles.Row row : test) {
            LayoutFiles.Row seen = trainClasses.get(row.id(1, "class_id", LAYOUT));
            if (seen != null) {
                throw row.error("class_id " + seen.fields()[1] + " is also a training class (" + seen.file()
                        + " line " + seen.line() + "), but the protocol's training and test classes are disjoint",
                        LAYOUT);
            }
        }
        return new ImageSplits(images(dir, train), images(dir, test));
    }

    private static List<LayoutFiles.Row> rows(Path dir, String name) throws IOException {
        List<LayoutFiles.Row> rows = LayoutFiles.rows(LayoutFiles.require(dir, name, LAYOUT), 4, true, LAYOUT);
        for (LayoutFiles.Row row : rows) {
            row.id(0, "image_id", LAYOUT);
            row.id(2, "super_class_id", LAYOUT);
        }
        return rows;
    }

    private static List<LabeledImage> images(Path dir, List<LayoutFiles.Row> rows) throws IOException {
        List<LabeledImage> images = new ArrayList<>(rows.size());
        for (LayoutFiles.Row row : rows) {
            images.add(new LabeledImage(dir.resolve(row.fields()[3]), row.id(1, "class_id", LAYOUT)));
        }
        return images;
    }
}
