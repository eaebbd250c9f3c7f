package org.dml4j.data;

import org.tribuo.Example;
import org.tribuo.classification.Label;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * (Fashion-)MNIST images and labels from a pair of IDX files, as Tribuo examples. Pixels are scaled as the reference
 * does, {@code uint8 / 255} in float32 (the {@code double} feature values hold those float32 values exactly), and
 * named as Tribuo's {@code IDXDataSource} names them, {@code "000"} to {@code "783"}. Like Tribuo, examples store
 * only non-zero pixels; a pixel that is zero in every image would then be missing from a dataset's own feature map,
 * so use {@link #featureMap()}, which holds every pixel in row-major order.
 */
public final class MnistDataSource extends PixelDataSource {

    private final int height;
    private final int width;

    /**
     * Reads an images file and its labels file.
     *
     * @param imagesPath the {@code N × height × width} unsigned-byte IDX file
     * @param labelsPath the {@code N} unsigned-byte IDX labels
     * @throws IOException if a file cannot be read, or the two do not fit together; the message names the files
     */
    public MnistDataSource(Path imagesPath, Path labelsPath) throws IOException {
        this(checked(IdxFile.read(imagesPath), IdxFile.read(labelsPath), imagesPath, labelsPath), imagesPath,
                labelsPath);
    }

    private MnistDataSource(IdxPair files, Path imagesPath, Path labelsPath) {
        super(toExamples(files.images(), files.labels().values()), files.images().itemSize(),
                new SimpleDataSourceProvenance("IDX images " + imagesPath + " (sha256 " + files.images().sha256()
                        + "), labels " + labelsPath + " (sha256 " + files.labels().sha256() + ")", LABEL_FACTORY));
        this.height = files.images().shape()[1];
        this.width = files.images().shape()[2];
    }

    /** An images file and its labels file. */
    private record IdxPair(IdxFile images, IdxFile labels) {
    }

    /** The images and labels files, checked to fit together. */
    private static IdxPair checked(IdxFile images, IdxFile labels, Path imagesPath, Path labelsPath)
            throws IOException {
        if (images.shape().length != 3) {
            throw new IOException("images file " + imagesPath + " has shape " + Arrays.toString(images.shape())
                    + "; expected N × height × width");
        }
        if (labels.shape().length != 1 || labels.count() != images.count()) {
            throw new IOException("labels file " + labelsPath + " has shape " + Arrays.toString(labels.shape())
                    + " but the images file " + imagesPath + " holds " + images.count() + " images");
        }
        return new IdxPair(images, labels);
    }

    /**
     * Reads one split of a located dataset.
     *
     * @param files the files
     * @param split which split
     * @return the examples of the split
     * @throws IOException if a file cannot be read
     */
    public static MnistDataSource of(MnistFiles files, MnistFiles.Split split) throws IOException {
        return new MnistDataSource(files.images(split), files.labels(split));
    }

    private static List<Example<Label>> toExamples(IdxFile images, byte[] labelBytes) {
        int pixels = images.itemSize();
        String[] names = featureNames(pixels);
        Label[] labels = new Label[256];
        byte[] values = images.values();
        List<Example<Label>> out = new ArrayList<>(images.count());
        float[] row = new float[pixels];
        for (int i = 0; i < images.count(); i++) {
            for (int p = 0; p < pixels; p++) {
                row[p] = (values[i * pixels + p] & 0xFF) / 255f;
            }
            int label = labelBytes[i] & 0xFF;
            if (labels[label] == null) {
                labels[label] = new Label(Integer.toString(label));
            }
            out.add(sparseExample(labels[label], names, row));
        }
        return out;
    }

    /** @return the image height */
    public int height() {
        return height;
    }

    /** @return the image width */
    public int width() {
        return width;
    }
}
