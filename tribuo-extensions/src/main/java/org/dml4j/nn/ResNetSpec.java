package org.dml4j.nn;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A ResNet-shaped network for images given as flattened rows (c order, e.g. 784 pixels of a 28×28×1 image):
 * <pre>
 * Unflatten(C, H, W) → Conv2d(3×3, stride 1, padding 1, w1) → BatchNorm2d → ReLU
 * for each stage i with width wi: blocks × ResidualBlock(wi; the first of stage i &gt; 1 has stride 2)
 *     [TransformerBlock(wi, heads) when the stage has attention heads]
 * GlobalAvgPool2d (or another {@link ImagePooling}) → Dense(embeddingSize) → [L2Normalize]
 * </pre>
 * {@code resnet:16,32,64,128} on 28×28×1 images: a 16-channel stem, stages of 16 (28×28), 32 (14×14) and 64 (7×7)
 * channels with one block each, then {@code Dense(64 → 128)}.
 */
public final class ResNetSpec extends AbstractImageNetworkSpec {

    @Config(description = "The output channels of each stage, in order (the stem has the first stage's width).")
    private int[] widths = {16, 32, 64};

    @Config(description = "The residual blocks per stage.")
    private int blocks = 1;

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
        this(widths, blocks, embeddingSize, imageChannels, imageHeight, imageWidth, normalize,
                ImageBlocks.pooling(ImagePooling.AVG));
    }

    /**
     * Creates a ResNet-shaped network with transformer blocks after some of its stages or another pooling.
     *
     * @param widths        the channels of each stage (at least one)
     * @param blocks        the residual blocks per stage
     * @param embeddingSize the embedding width
     * @param imageChannels the input images' channels
     * @param imageHeight   the input images' height
     * @param imageWidth    the input images' width
     * @param normalize     whether the output is L2-normalized
     * @param extra         the transformer blocks (heads per stage) and the pooling
     */
    public ResNetSpec(int[] widths, int blocks, int embeddingSize, int imageChannels, int imageHeight,
                      int imageWidth, boolean normalize, ImageBlocks extra) {
        setBlocks(extra);
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
        checkShape("widths", widths, widths.length - 1, "stride-2 stages");
        if (blocks <= 0) {
            throw new PropertyException("", "blocks", "blocks must be positive, found " + blocks);
        }
    }

    @Override
    protected ImagePooling defaultPooling() {
        return ImagePooling.AVG;
    }

    @Override
    public EmbeddingNetwork build(int inputSize, long seed, DataType dataType) {
        Unflatten images = unflatten(inputSize, "ResNet");
        SplittableRandom rng = new SplittableRandom(seed);
        List<Layer> layers = new ArrayList<>();
        layers.add(images);
        layers.add(new Conv2d(imageChannels, widths[0], 3, 1, 1, rng, dataType));
        layers.add(new BatchNorm2d(widths[0], dataType));
        layers.add(new ReLU());
        int in = widths[0];
        for (int stage = 0; stage < widths.length; stage++) {
            for (int b = 0; b < blocks; b++) {
                layers.add(new ResidualBlock(in, widths[stage], stage > 0 && b == 0 ? 2 : 1, rng, dataType));
                in = widths[stage];
            }
            addAttention(layers, stage, in, rng, dataType);
        }
        // a stride-2 stage's 3×3 convolution with padding 1 takes a side of s pixels to (s - 1) / 2 + 1
        int h = imageHeight;
        int w = imageWidth;
        for (int stage = 1; stage < widths.length; stage++) {
            h = (h - 1) / 2 + 1;
            w = (w - 1) / 2 + 1;
        }
        addPoolingAndHead(layers, in, h, w, rng, dataType);
        return new EmbeddingNetwork(layers);
    }

    /** @return the spec in the form {@link NetworkSpecs#parse} reads, e.g. {@code resnet:16,32,64,128} */
    @Override
    public String toString() {
        return describe(NetworkSpecs.RESNET, widths, blocks == 1 ? List.of() : List.of("blocks=" + blocks));
    }
}
