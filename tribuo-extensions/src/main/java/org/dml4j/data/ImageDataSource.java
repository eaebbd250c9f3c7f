package org.dml4j.data;

import org.tribuo.Example;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Image files (PNG or JPEG, decoded by {@code javax.imageio}) as Tribuo examples, each brought to one {@link
 * ImageFormat}, in the order given. Features are named like {@link MnistDataSource}'s, zero-padded value indices;
 * like it, examples store only non-zero values, so use {@link #featureMap()}, which holds every value. The provenance
 * names the images and a SHA-256 over their bytes, so a changed file changes it. An image whose class is {@value
 * Label#UNKNOWN} gets Tribuo's unknown label ({@link UnlabeledData}).
 */
public final class ImageDataSource extends PixelDataSource {

    private final ImageFormat format;

    /**
     * Reads and converts every image.
     *
     * @param images      the files and their classes
     * @param format      the shape to convert them to
     * @param description what the images are (e.g. "CUB-200-2011 /data/cub train"), for the provenance
     * @throws IOException if a file cannot be read or is not an image; the message names the file
     */
    public ImageDataSource(List<LabeledImage> images, ImageFormat format, String description) throws IOException {
        this(read(images, format), format, description);
    }

    private ImageDataSource(Read read, ImageFormat format, String description) {
        super(read.examples(), format.featureCount(), new SimpleDataSourceProvenance(description + ": "
                + read.examples().size() + " images as " + format + " (sha256 " + read.sha256() + ")",
                LABEL_FACTORY));
        this.format = format;
    }

    /** The converted images and a SHA-256 over the files' bytes. */
    private record Read(List<Example<Label>> examples, String sha256) {
    }

    private static Read read(List<LabeledImage> images, ImageFormat format) throws IOException {
        String[] names = featureNames(format.featureCount());
        Map<String, Label> labels = new HashMap<>();
        MessageDigest digest = sha256();
        List<Example<Label>> out = new ArrayList<>(images.size());
        for (LabeledImage image : images) {
            if (!Files.isRegularFile(image.file())) {
                throw new IOException("image " + image.file() + " (class " + image.label() + ") does not exist");
            }
            byte[] bytes = Files.readAllBytes(image.file());
            digest.update(bytes);
            Label label = labels.computeIfAbsent(image.label(),
                    name -> name.equals(Label.UNKNOWN) ? LabelFactory.UNKNOWN_LABEL : new Label(name));
            out.add(sparseExample(label, names, format.pixels(decode(bytes, image))));
        }
        return new Read(out, HexFormat.of().formatHex(digest.digest()));
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

    /** @return the shape of the images */
    public ImageFormat format() {
        return format;
    }
}
