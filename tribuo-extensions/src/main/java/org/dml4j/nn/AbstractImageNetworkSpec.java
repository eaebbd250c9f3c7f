package org.dml4j.nn;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What the image networks ({@link CnnSpec}, {@link ResNetSpec}) share: the input image's shape, its checks, the
 * {@link Unflatten} first layer, and the spec text {@link NetworkSpecs#parse} reads back.
 */
abstract class AbstractImageNetworkSpec extends AbstractNetworkSpec {

    @Config(description = "The channels of the input images.")
    protected int imageChannels = 1;

    @Config(description = "The height of the input images.")
    protected int imageHeight = 28;

    @Config(description = "The width of the input images.")
    protected int imageWidth = 28;

    /**
     * Checks the embedding size, the per-stage channel counts and the image shape.
     *
     * @param field     the name of the channel-count field, for messages
     * @param widths    the channel counts, one or more positive values
     * @param halvings  how many times the network halves the image's sides
     * @param halvingBy what halves them, for messages (e.g. "pooling blocks")
     * @throws PropertyException naming the field at fault
     */
    protected void checkShape(String field, int[] widths, int halvings, String halvingBy) {
        super.postConfig();
        if (widths.length == 0 || Arrays.stream(widths).anyMatch(c -> c <= 0)) {
            throw new PropertyException("", field, field + " must be one or more positive counts, found "
                    + Arrays.toString(widths));
        }
        if (imageChannels <= 0 || imageHeight <= 0 || imageWidth <= 0) {
            throw new PropertyException("", "imageChannels", "image channels, height and width must be positive, "
                    + "found " + imageChannels + "x" + imageHeight + "x" + imageWidth);
        }
        if (imageHeight >> halvings == 0 || imageWidth >> halvings == 0) {
            throw new PropertyException("", field, halvings + " " + halvingBy + " halve a " + imageHeight + "x"
                    + imageWidth + " image to nothing: use fewer of them or larger images");
        }
    }

    /**
     * The first layer, from rows of {@code inputSize} features to images.
     *
     * @param inputSize the features per example
     * @param network   the network's name, for the message
     * @return the layer
     * @throws IllegalArgumentException if the features are not one image of the configured shape
     */
    protected Unflatten unflatten(int inputSize, String network) {
        if (inputSize != imageChannels * imageHeight * imageWidth) {
            throw new IllegalArgumentException("this " + network + " takes " + imageChannels + "x" + imageHeight
                    + "x" + imageWidth + " images (" + imageChannels * imageHeight * imageWidth
                    + " features), found " + inputSize + " features: set imageChannels, imageHeight and imageWidth");
        }
        return new Unflatten(imageChannels, imageHeight, imageWidth);
    }

    /**
     * The spec text, e.g. {@code cnn:32,64,128:image=3x64x64}.
     *
     * @param kind    the spec's prefix
     * @param widths  the channel counts
     * @param options options other than the image shape and normalization, already formatted
     * @return the text
     */
    protected String describe(String kind, int[] widths, List<String> options) {
        List<String> all = new ArrayList<>();
        if (imageChannels != 1 || imageHeight != 28 || imageWidth != 28) {
            all.add("image=" + imageChannels + "x" + imageHeight + "x" + imageWidth);
        }
        all.addAll(options);
        if (!normalize) {
            all.add("normalize=false");
        }
        return kind + ":" + Arrays.stream(widths).mapToObj(Integer::toString).collect(Collectors.joining(","))
                + "," + embeddingSize + (all.isEmpty() ? "" : ":" + String.join(",", all));
    }
}
