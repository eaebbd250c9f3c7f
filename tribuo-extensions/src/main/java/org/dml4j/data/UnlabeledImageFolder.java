package org.dml4j.data;

import org.tribuo.classification.Label;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A folder of unlabeled images: its own {@code .png}, {@code .jpg} and {@code .jpeg} files, in sorted path order,
 * with no class sub-folders; each image gets Tribuo's unknown label ({@link UnlabeledData}) when
 * {@link ImageDataSource} reads it.
 */
public final class UnlabeledImageFolder {

    /** The expected layout, for error messages. */
    public static final String LAYOUT = "image files directly in the folder (DIR/*.png|jpg|jpeg), no class folders";

    private UnlabeledImageFolder() {
    }

    /**
     * Lists the images of a folder.
     *
     * @param dir the folder
     * @return its images, by file name, each labelled {@value Label#UNKNOWN}
     * @throws IOException if the folder is missing or holds no image file; when it holds class folders instead,
     *                     the message says so
     */
    public static List<LabeledImage> read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("unlabeled image folder " + dir + " does not exist; expected " + LAYOUT);
        }
        List<LabeledImage> images = new ArrayList<>();
        boolean subFolders = false;
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.sorted().toList()) {
                subFolders |= Files.isDirectory(entry);
                if (Files.isRegularFile(entry) && ImageFolderLayout.isImage(entry)) {
                    images.add(new LabeledImage(entry, Label.UNKNOWN));
                }
            }
        }
        if (images.isEmpty()) {
            throw new IOException("unlabeled image folder " + dir + " holds no image file" + (subFolders
                    ? " but sub-folders, the layout of labelled data (one folder per class): give it as a labelled "
                    + "image folder" : "") + "; expected " + LAYOUT);
        }
        return images;
    }
}
