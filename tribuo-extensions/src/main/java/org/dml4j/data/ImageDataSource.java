package org.dml4j.data;

import org.tribuo.DataSource;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.OutputFactory;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.DataSourceProvenance;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Image files (PNG or JPEG, decoded by {@code javax.imageio}) as Tribuo examples, each brought to one {@link
 * ImageFormat}, in the order given. Features are named like {@link MnistDataSource}'s, zero-padded value indices;
 * like it, examples store only non-zero values, so use {@link #featureMap()}, which holds every value. The provenance
 * names the images and a SHA-256 over their bytes, so a changed file changes it.
 */
public final class ImageDataSource implements DataSource<Label> {

    private static final LabelFactory LABEL_FACTORY = new LabelFactory();

    private final ImageFormat format;
    private final List<Example<Label>> examples;
    private final DataSourceProvenance provenance;

    /**
     * Reads and converts every image.
     *
     * @param images      the files and their classes
     * @param format      the shape to convert them to
     * @param description what the images are (e.g. "CUB-200-2011 /data/cub train"), for the provenance
     * @throws IOException if a file cannot be read or is not an image; the message names the file
     */
    public ImageDataSource(List<LabeledImage> images, ImageFormat format, String description) throws IOException {
        this.format = format;
        String[] names = MnistDataSource.featureNames(format.featureCount());
        Map<String, Label> labels = new HashMap<>();
        MessageDigest digest = sha256();
        List<Example<Label>> out = new ArrayList<>(images.size());
        for (LabeledImage image : images) {
            if (!Files.isRegularFile(image.file())) {
                throw new IOException("image " + image.file() + " (class " + image.label() + ") does not exist");
            }
            byte[] bytes = Files.readAllBytes(image.file());
            digest.update(bytes);
            float[] values = format.pixels(decode(bytes, image));
            String[] rowNames = new String[values.length];
            double[] rowValues = new double[values.length];
            int count = 0;
            for (int p = 0; p < values.length; p++) {
                if (values[p] != 0) {
                    rowNames[count] = names[p];
                    rowValues[count++] = values[p];
                }
            }
            Label label = labels.computeIfAbsent(image.label(), Label::new);
            out.add(new ArrayExample<>(label, Arrays.copyOf(rowNames, count), Arrays.copyOf(rowValues, count)));
        }
        this.examples = Collections.unmodifiableList(out);
        this.provenance = new SimpleDataSourceProvenance(description + ": " + images.size() + " images as "
                + format + " (sha256 " + HexFormat.of().formatHex(digest.digest()) + ")", LABEL_FACTORY);
    }

    private static BufferedImage decode(byte[] bytes, LabeledImage image) throws IOException {
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(bytes));
        if (decoded == null) {
            throw new IOException("image " + image.file() + " is not a PNG or JPEG file that javax.imageio can "
                    + "decode");
        }
        return decoded;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** @return a feature map holding every value of an image, feature id = value index */
    public ImmutableFeatureMap featureMap() {
        return MnistDataSource.indexedFeatureMap(format.featureCount());
    }

    /** @return the shape of the images */
    public ImageFormat format() {
        return format;
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
        return "ImageDataSource(" + provenance + ")";
    }
}
