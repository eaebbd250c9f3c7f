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
 * A ResNet-shaped network for images given as flattened rows (c order, e.g. 784 pixels of a 28×28×1 image):
 * <pre>
 * Unflatten(C, H, W) → Conv2d(3×3, stride 1, padding 1, w1) → BatchNorm2d → ReLU
 * for each stage i with width wi: blocks × ResidualBlock(wi; the first of stage i &gt; 1 has stride 2)
 * GlobalAvgPool2d → Dense(embeddingSize) → [L2Normalize]
 * </pre>
 * {@code resnet:16,32,64,128} on 28×28×1 images: a 16-channel stem, stages of 16 (28×28), 32 (14×14) and 64 (7×7)
 * channels with one block each, then {@code Dense(64 → 128)}.
 */
public final class ResNetSpec extends AbstractNetworkSpec {

    @Config(description = "The output channels of each stage, in order (the stem has the first stage's width).")
    private int[] widths = {16, 32, 64};

    @Config(description = "The residual blocks per stage.")
    private int blocks = 1;

    @Config(description = "The channels of the input images.")
    private int imageChannels = 1;

    @Config(description = "The height of the input images.")
    private int imageHeight = 28;

    @Config(description = "The width of the input images.")
    private int imageWidth = 28;

    /** For olcut. */
    private ResNetSpec() {
    }

    /**
     * Creates a ResNet-shaped network.
     *
     * @param widths        the channels of each stage (at least one)
     * @param blocks        the residual blocks per stage
     * @param embeddingSize the embedding width
     * @param imageChannels the input images' channels
     * @param imageHeight   the input images' height
     * @param imageWidth    the input images' width
     * @param normalize     whether the output is L2-normalized
     */
    public ResNetSpec(int[] widths, int blocks, int embeddingSize, int imageChannels, int imageHeight,
                      int imageWidth, boolean normalize) {
        this.widths = widths.clone();
        this.blocks = blocks;
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
        if (widths.length == 0 || Arrays.stream(widths).anyMatch(c -> c <= 0)) {
            throw new PropertyException("", "widths", "widths must be one or more positive counts, found "
                    + Arrays.toString(widths));
        }
        if (blocks <= 0) {
            throw new PropertyException("", "blocks", "blocks must be positive, found " + blocks);
        }
        if (imageChannels <= 0 || imageHeight <= 0 || imageWidth <= 0) {
            throw new PropertyException("", "imageChannels", "image channels, height and width must be positive, "
                    + "found " + imageChannels + "x" + imageHeight + "x" + imageWidth);
        }
        if (imageHeight >> (widths.length - 1) == 0 || imageWidth >> (widths.length - 1) == 0) {
            throw new PropertyException("", "widths", widths.length - 1 + " stride-2 stages halve a "
                    + imageHeight + "x" + imageWidth + " image to nothing: use fewer stages or larger images");
        }
    }

    @Override
    public EmbeddingNetwork build(int inputSize, long seed, DataType dataType) {
        if (inputSize != imageChannels * imageHeight * imageWidth) {
            throw new IllegalArgumentException("this ResNet takes " + imageChannels + "x" + imageHeight + "x"
                    + imageWidth + " images (" + imageChannels * imageHeight * imageWidth + " features), found "
                    + inputSize + " features: set imageChannels, imageHeight and imageWidth");
        }
        SplittableRandom rng = new SplittableRandom(seed);
        List<Layer> layers = new ArrayList<>();
        layers.add(new Unflatten(imageChannels, imageHeight, imageWidth));
        layers.add(new Conv2d(imageChannels, widths[0], 3, 1, 1, rng, dataType));
        layers.add(new BatchNorm2d(widths[0], dataType));
        layers.add(new ReLU());
        int in = widths[0];
        for (int stage = 0; stage < widths.length; stage++) {
            for (int b = 0; b < blocks; b++) {
                layers.add(new ResidualBlock(in, widths[stage], stage > 0 && b == 0 ? 2 : 1, rng, dataType));
                in = widths[stage];
            }
        }
        layers.add(new GlobalAvgPool2d());
        addHead(layers, in, rng, dataType);
        return new EmbeddingNetwork(layers);
    }

    /** @return the spec in the form {@link NetworkSpecs#parse} reads, e.g. {@code resnet:16,32,64,128} */
    @Override
    public String toString() {
        List<String> options = new ArrayList<>();
        if (imageChannels != 1 || imageHeight != 28 || imageWidth != 28) {
            options.add("image=" + imageChannels + "x" + imageHeight + "x" + imageWidth);
        }
        if (blocks != 1) {
            options.add("blocks=" + blocks);
        }
        if (!normalize) {
            options.add("normalize=false");
        }
        return NetworkSpecs.RESNET + ":" + Arrays.stream(widths).mapToObj(Integer::toString)
                .collect(Collectors.joining(",")) + "," + embeddingSize
                + (options.isEmpty() ? "" : ":" + String.join(",", options));
    }
}
