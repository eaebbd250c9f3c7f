package org.dml4j.data;

import org.tribuo.DataSource;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.MutableFeatureMap;
import org.tribuo.OutputFactory;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.DataSourceProvenance;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * (Fashion-)MNIST images and labels from a pair of IDX files, as Tribuo examples. Pixels are scaled as the reference
 * does, {@code uint8 / 255} in float32 (the {@code double} feature values hold those float32 values exactly), and
 * named as Tribuo's {@code IDXDataSource} names them, {@code "000"} to {@code "783"}. Like Tribuo, examples store
 * only non-zero pixels; a pixel that is zero in every image would then be missing from a dataset's own feature map,
 * so use {@link #featureMap()}, which holds every pixel in row-major order.
 */
public final class MnistDataSource implements DataSource<Label> {

    private static final LabelFactory LABEL_FACTORY = new LabelFactory();

    private final List<Example<Label>> examples;
    private final int height;
    private final int width;
    private final DataSourceProvenance provenance;

    /**
     * Reads an images file and its labels file.
     *
     * @param imagesPath the {@code N × height × width} unsigned-byte IDX file
     * @param labelsPath the {@code N} unsigned-byte IDX labels
     * @throws IOException if a file cannot be read, or the two do not fit together; the message names the files
     */
    public MnistDataSource(Path imagesPath, Path labelsPath) throws IOException {
        IdxFile images = IdxFile.read(imagesPath);
        IdxFile labels = IdxFile.read(labelsPath);
        if (images.shape().length != 3) {
            throw new IOException("images file " + imagesPath + " has shape " + Arrays.toString(images.shape())
                    + "; expected N × height × width");
        }
        if (labels.shape().length != 1 || labels.count() != images.count()) {
            throw new IOException("labels file " + labelsPath + " has shape " + Arrays.toString(labels.shape())
                    + " but the images file " + imagesPath + " holds " + images.count() + " images");
        }
        this.height = images.shape()[1];
        this.width = images.shape()[2];
        this.examples = Collections.unmodifiableList(toExamples(images, labels.values()));
        this.provenance = new SimpleDataSourceProvenance("IDX images " + imagesPath + " (sha256 "
                + images.sha256() + "), labels " + labelsPath + " (sha256 " + labels.sha256() + ")", LABEL_FACTORY);
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

    private List<Example<Label>> toExamples(IdxFile images, byte[] labelBytes) {
        int pixels = images.itemSize();
        String[] names = featureNames(pixels);
        Label[] labels = new Label[256];
        byte[] values = images.values();
        List<Example<Label>> out = new ArrayList<>(images.count());
        String[] rowNames = new String[pixels];
        double[] rowValues = new double[pixels];
        for (int i = 0; i < images.count(); i++) {
            int count = 0;
            for (int p = 0; p < pixels; p++) {
                int v = values[i * pixels + p] & 0xFF;
                if (v != 0) {
                    rowNames[count] = names[p];
                    rowValues[count++] = v / 255f;
                }
            }
            int label = labelBytes[i] & 0xFF;
            if (labels[label] == null) {
                labels[label] = new Label(Integer.toString(label));
            }
            out.add(new ArrayExample<>(labels[label], Arrays.copyOf(rowNames, count),
                    Arrays.copyOf(rowValues, count)));
        }
        return out;
    }

    /**
     * Tribuo's IDX feature names: indices zero-padded to the width of {@code count}.
     *
     * @param count the number of pixels
     * @return the names, in pixel order (which is also their string order)
     */
    static String[] featureNames(int count) {
        String format = "%0" + Integer.toString(count).length() + "d";
        String[] names = new String[count];
        for (int i = 0; i < count; i++) {
            names[i] = String.format(format, i);
        }
        return names;
    }

    /**
     * A feature map of {@link #featureNames(int)}, feature id = index.
     *
     * @param count the number of features
     * @return the map
     */
    static ImmutableFeatureMap indexedFeatureMap(int count) {
        MutableFeatureMap map = new MutableFeatureMap();
        for (String name : featureNames(count)) {
            map.add(name, 0);
        }
        return new ImmutableFeatureMap(map);
    }

    /** @return a feature map holding every pixel, feature id = row-major pixel index */
    public ImmutableFeatureMap featureMap() {
        return indexedFeatureMap(height * width);
    }

    /** @return the image height */
    public int height() {
        return height;
    }

    /** @return the image width */
    public int width() {
        return width;
    }

    /** @return the number of images */
    public int size() {
        return examples.size();
    }

    @Override
    public OutputFactory<Label> getOutputFactory() {
        return LABEL_FACTORY;
    }

    @Override
    public DataSourceProvenance getProvenance() {
        return provenance;
    }

    @Override
    public Iterator<Example<Label>> iterator() {
        return examples.iterator();
    }

    @Override
    public String toString() {
        return "MnistDataSource(" + provenance.toString() + ")";
    }
}
