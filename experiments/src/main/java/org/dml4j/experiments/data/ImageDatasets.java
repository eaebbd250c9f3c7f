package org.dml4j.experiments.data;

import org.dml4j.data.Cars196Layout;
import org.dml4j.data.Cub200Layout;
import org.dml4j.data.ImageDataSource;
import org.dml4j.data.ImageFolderLayout;
import org.dml4j.data.ImageFormat;
import org.dml4j.data.ImageSplits;
import org.dml4j.data.LabeledImage;
import org.dml4j.data.OnlineProductsLayout;
import org.dml4j.data.UnlabeledImageFolder;
import org.dml4j.experiments.io.UserError;
import org.tribuo.Dataset;
import org.tribuo.ImmutableDataset;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Image datasets for the command line: an image folder and the CUB-200-2011, Cars196 and Stanford Online Products
 * layouts, read as {@link ImageFormat} images, with a {@link UserError} naming the missing file and the expected
 * layout when a folder is not what its kind says.
 */
final class ImageDatasets {

    /** The dataset kinds ({@code --dataset KIND:DIR}) that come with their own train/test split. */
    static final List<String> SPLIT_KINDS = List.of("cub", "cars196", "sop");

    private final ImageFormat format;

    /**
     * The images' shape from the options.
     *
     * @param size     --image-size
     * @param channels --image-channels
     * @throws UserError if the shape is invalid
     */
    ImageDatasets(int size, int channels) {
        try {
            this.format = new ImageFormat(size, channels);
        } catch (IllegalArgumentException e) {
            throw new UserError("Invalid image shape: " + e.getMessage() + ". Give --image-size a positive number "
                    + "of pixels and --image-channels 1 (grey) or 3 (RGB).", e);
        }
    }

    /**
     * Every image of an image folder.
     *
     * @param dir the folder
     * @return the images as one dataset
     */
    Dataset<Label> folder(Path dir) {
        try {
            return dataset(ImageFolderLayout.read(dir), "image folder " + dir);
        } catch (IOException e) {
            throw layoutError("image-folder", e);
        }
    }

    /**
     * Every image of a folder of unlabeled images (no class folders).
     *
     * @param dir the folder
     * @return the images as one dataset, each with Tribuo's unknown label
     */
    Dataset<Label> unlabeledFolder(Path dir) {
        try {
            return dataset(UnlabeledImageFolder.read(dir), "unlabeled images " + dir);
        } catch (IOException e) {
            throw new UserError("Cannot read the unlabeled images: " + e.getMessage() + ". Give --unlabeled "
                    + "images:DIR a folder of image files.", e);
        }
    }

    /**
     * The protocol's split of a dataset layout.
     *
     * @param kind one of {@link #SPLIT_KINDS}
     * @param dir  the dataset's folder
     * @return the training images, then the test images
     */
    List<Dataset<Label>> split(String kind, Path dir) {
        try {
            ImageSplits splits = switch (kind) {
                case "cub" -> Cub200Layout.read(dir);
                case "cars196" -> Cars196Layout.read(dir);
                case "sop" -> OnlineProductsLayout.read(dir);
                default -> throw new IllegalArgumentException("not an image layout: " + kind);
            };
            return List.of(dataset(splits.train(), kind + " " + dir + " train"),
                    dataset(splits.test(), kind + " " + dir + " test"));
        } catch (IOException | IllegalArgumentException e) {
            throw layoutError(kind, e);
        }
    }

    private Dataset<Label> dataset(List<LabeledImage> images, String description) throws IOException {
        if (images.isEmpty()) {
            throw new IOException(description + " holds no image");
        }
        ImageDataSource source = new ImageDataSource(images, format, description);
        MutableDataset<Label> data = new MutableDataset<>(source);
        // Every value is a feature, also one that is zero in every image.
        return ImmutableDataset.copyDataset(data, source.featureMap(), data.getOutputIDInfo());
    }

    private UserError layoutError(String kind, Exception e) {
        return new UserError("Cannot read the " + kind + " dataset: " + e.getMessage() + ". Give --dataset " + kind
                + ":DIR the dataset's root folder in that layout.", e);
    }
}
