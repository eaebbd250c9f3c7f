package org.dml4j.nn;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * A small convolutional network for images given as flattened rows (c order, e.g. 784 pixels of a 28×28×1 image):
 * <pre>
 * Unflatten(C, H, W)
 * for each c in channels: Conv2d(3×3, stride 1, padding 1, c) → BatchNorm2d(c) → ReLU → MaxPool2d(2, 2)
 * Flatten → Dense(embeddingSize) → [L2Normalize]
 * </pre>
 * {@code cnn:32,64,128} on 28×28×1 images is two blocks (28→14→7 pixels, 32 then 64 channels), then
 * {@code Dense(64·7·7 = 3136 → 128)}: 420,544 parameters.
 */
public final class CnnSpec extends AbstractNetworkSpec {

    @Config(description = "The output channels of each convolution block, in order.")
    private int[] channels = {32, 64};

    @Config(description = "The channels of the input images.")
    private int imageChannels = 1;

    @Config(description = "The height of the input images.")
    private int imageHeight = 28;

    @Config(description = "The width of the input images.")
    private int imageWidth = 28;

    /** For olcut. */
    private CnnSpec() {
    }

    /**
     * Creates a CNN for 28×28 single-channel images with L2-normalized output.
     *
     * @param channels      the channels of each block
     * @param embeddingSize the embedding width
     */
    public CnnSpec(int[] channels, int embeddingSize) {
        this(channels, embeddingSize, 1, 28, 28, true);
    }

    /**
     * Creates a CNN.
     *
     * @param channels      the channels of each block (at least one)
     * @param embeddingSize the embedding width
     * @param imageChannels the input images' channels
     * @param imageHeight   the input images' height
     * @param imageWidth    the input images' width
     * @param normalize     whether the output is L2-normalized
     */
    public CnnSpec(int[] channels, int embeddingSize, int imageChannels, int imageHeight, int imageWidth,
                   boolean normalize) {
        this.channels = channels.clone();
        this.embeddingSize = embeddingSize;
        this.imageChannels = imageChannels;
        this.imageHeight = imageHeight;
        this.imageWidth = imageWidth;
        this.normalize = normalize;
        postConfig();
    }

    @Override
    public void postConfig() {
        super.postConfig();
        if (channels.length == 0 || Arrays.stream(channels).anyMatch(c -> c <= 0)) {
            throw new PropertyException("", "channels", "channels must be one or more positive counts, found "
                    + Arrays.toString(channels));
        }
        if (imageChannels <= 0 || imageHeight <= 0 || imageWidth <= 0) {
            throw new PropertyException("", "imageChannels", "image channels, height and width must be positive, "
                    + "found " + imageChannels + "x" + imageHeight + "x" + imageWidth);
        }
        if (imageHeight >> channels.length == 0 || imageWidth >> channels.length == 0) {
            throw new PropertyException("", "channels", channels.length + " pooling blocks halve a "
                    + imageHeight + "x" + imageWidth + " image to nothing: use fewer blocks or larger images");
        }
    }

    @Override
    public EmbeddingNetwork build(int inputSize, long seed, DataType dataType) {
        if (inputSize != imageChannels * imageHeight * imageWidth) {
            throw new IllegalArgumentException("this CNN takes " + imageChannels + "x" + imageHeight + "x"
                    + imageWidth + " images (" + imageChannels * imageHeight * imageWidth + " features), found "
                    + inputSize + " features: set imageChannels, imageHeight and imageWidth");
        }
        SplittableRandom rng = new SplittableRandom(seed);
        List<Layer> layers = new ArrayList<>();
        layers.add(new Unflatten(imageChannels, imageHeight, imageWidth));
        int in = imageChannels;
        int h = imageHeight;
        int w = imageWidth;
        for (int c : channels) {
            layers.add(new Conv2d(in, c, 3, 1, 1, rng, dataType));
            layers.add(new BatchNorm2d(c, dataType));
            layers.add(new ReLU());
            layers.add(new MaxPool2d(2, 2));
            in = c;
            h /= 2;
            w /= 2;
        }
        layers.add(new Flatten());
        addHead(layers, in * h * w, rng, dataType);
        return new EmbeddingNetwork(layers);
    }

    /** @return the spec in the form {@link NetworkSpecs#parse} reads, e.g. {@code cnn:32,64,128} */
    @Override
    public String toString() {
        List<String> options = new ArrayList<>();
        if (imageChannels != 1 || imageHeight != 28 || imageWidth != 28) {
            options.add("image=" + imageChannels + "x" + imageHeight + "x" + imageWidth);
        }
        if (!normalize) {
            options.add("normalize=false");
        }
        return NetworkSpecs.CNN + ":" + Arrays.stream(channels).mapToObj(Integer::toString)
                .collect(Collectors.joining(",")) + "," + embeddingSize
                + (options.isEmpty() ? "" : ":" + String.join(",", options));
    }
}
