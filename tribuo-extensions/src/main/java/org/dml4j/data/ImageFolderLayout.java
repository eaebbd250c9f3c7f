package org.dml4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * An image folder: one sub-folder per class, named by the class, holding its {@code .png}, {@code .jpg} and {@code
 * .jpeg} files (other files are ignored). Classes and files are listed in sorted path order, so the same folder
 * always gives the same examples in the same order.
 */
public final class ImageFolderLayout {

    /** The expected layout, for error messages. */
    public static final String LAYOUT = "one sub-folder per class (DIR/CLASS/*.png|jpg|jpeg)";

    private ImageFolderLayout() {
    }

    /**
     * Lists the images of a folder.
     *
     * @param dir the folder
     * @return the images, by class folder then file name
     * @throws IOException if the folder is missing or holds no image in a class folder
     */
    public static List<LabeledImage> read(Path dir) throws IOException {
        return read(dir, LAYOUT);
    }

    /**
     * Lists the images of a folder that is part of a dataset layout.
     *
     * @param dir    the folder
     * @param layout the description of the expected layout, for errors
     * @return the images, by class folder then file name
     * @throws IOException if the folder is missing or holds no image in a class folder
     */
    static List<LabeledImage> read(Path dir, String layout) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("image folder " + dir + " does not exist; expected " + layout);
        }
        List<LabeledImage> images = new ArrayList<>();
        for (Path classDir : sorted(dir)) {
            if (Files.isDirectory(classDir)) {
                String label = classDir.getFileName().toString();
                for (Path file : sorted(classDir)) {
                    if (Files.isRegularFile(file) && isImage(file)) {
                        images.add(new LabeledImage(file, label));
                    }
                }
            }
        }
        if (images.isEmpty()) {
            throw new IOException("image folder " + dir + " holds no image; expected " + layout);
        }
        return images;
    }

    private static List<Path> sorted(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.sorted().toList();
        }
    }

    /**
     * @param file a file
     * @return whether its name ends in {@code .png}, {@code .jpg} or {@code .jpeg} (any case)
     */
    static boolean isImage(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg");
    }
}
