package org.dml4j.nn;

import com.oracle.labs.mlrg.olcut.config.Config;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A small convolutional network for images given as flattened rows (c order, e.g. 784 pixels of a 28×28×1 image):
 * <pre>
 * Unflatten(C, H, W)
 * for each c in channels: Conv2d(3×3, stride 1, padding 1, c) → BatchNorm2d(c) → ReLU → MaxPool2d(2, 2)
 *     [TransformerBlock(c, heads) when the block has attention heads]
 * Flatten (or another {@link ImagePooling}) → Dense(embeddingSize) → [L2Normalize]
 * </pre>
 * {@code cnn:32,64,128} on 28×28×1 images is two blocks (28→14→7 pixels, 32 then 64 channels), then
 * {@code Dense(64·7·7 = 3136 → 128)}: 420,544 parameters.
 */
public final class CnnSpec extends AbstractImageNetworkSpec {

    @Config(description = "The output channels of each convolution block, in order.")
    private int[] channels = {32, 64};

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
        this(channels, embeddingSize, imageChannels, imageHeight, imageWidth, normalize,
                ImageBlocks.pooling(ImagePooling.FLATTEN));
    }

    /**
     * Creates a CNN with transformer blocks after some of its convolution blocks or another pooling.
     *
     * @param channels      the channels of each block (at least one)
     * @param embeddingSize the embedding width
     * @param imageChannels the input images' channels
     * @param imageHeight   the input images' height
     * @param imageWidth    the input images' width
     * @param normalize     whether the output is L2-normalized
     * @param blocks        the transformer blocks (heads per convolution block) and the pooling
     */
    public CnnSpec(int[] channels, int embeddingSize, int imageChannels, int imageHeight, int imageWidth,
                   boolean normalize, ImageBlocks blocks) {
        setBlocks(blocks);
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
        checkShape("channels", channels, channels.length, "pooling blocks");
    }

    @Override
    protected ImagePooling defaultPooling() {
        return ImagePooling.FLATTEN;
    }

    @Override
    public EmbeddingNetwork build(int inputSize, long seed, DataType dataType) {
        Unflatten images = unflatten(inputSize, "CNN");
        SplittableRandom rng = new SplittableRandom(seed);
        List<Layer> layers = new ArrayList<>();
        layers.add(images);
        int in = imageChannels;
        int h = imageHeight;
        int w = imageWidth;
        for (int stage = 0; stage < channels.length; stage++) {
            int c = channels[stage];
            layers.add(new Conv2d(in, c, 3, 1, 1, rng, dataType));
            layers.add(new BatchNorm2d(c, dataType));
            layers.add(new ReLU());
            layers.add(new MaxPool2d(2, 2));
            addAttention(layers, stage, c, rng, dataType);
            in = c;
            h /= 2;
            w /= 2;
        }
        addPoolingAndHead(layers, in, h, w, rng, dataType);
        return new EmbeddingNetwork(layers);
    }

    /** @return the spec in the form {@link NetworkSpecs#parse} reads, e.g. {@code cnn:32,64,attn4,128:pool=gem} */
    @Override
    public String toString() {
        return describe(NetworkSpecs.CNN, channels, List.of());
    }
}
