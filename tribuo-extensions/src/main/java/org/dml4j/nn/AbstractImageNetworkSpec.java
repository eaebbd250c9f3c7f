package org.dml4j.nn;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;

import org.nd4j.linalg.api.buffer.DataType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What the image networks ({@link CnnSpec}, {@link ResNetSpec}) share: the input image's shape, its checks, the
 * {@link Unflatten} first layer, the optional {@link TransformerBlock}s after stages and the pooling before the head
 * ({@link ImageBlocks}), and the spec text {@link NetworkSpecs#parse} reads back.
 */
abstract class AbstractImageNetworkSpec extends AbstractNetworkSpec {

    @Config(description = "The channels of the input images.")
    protected int imageChannels = 1;

    @Config(description = "The height of the input images.")
    protected int imageHeight = 28;

    @Config(description = "The width of the input images.")
    protected int imageWidth = 28;

    @Config(description = "For each stage, the heads of the transformer block (multi-head self-attention over the "
            + "stage's positions, then an MLP, both pre-norm and residual) after it; 0 for none. Empty: none.")
    protected int[] attentionHeads = {};

    @Config(description = "How the last feature map becomes the embedding head's input: FLATTEN, AVG, GEM or "
            + "ATTENTION (unset: the network's default, FLATTEN for cnn and AVG for resnet).")
    protected ImagePooling pooling;

    @Config(description = "The heads of ATTENTION pooling.")
    protected int poolingHeads = 1;

    /** @return the pooling when none is configured */
    protected abstract ImagePooling defaultPooling();

    /**
     * Sets the optional blocks' fields.
     *
     * @param blocks the blocks
     */
    protected void setBlocks(ImageBlocks blocks) {
        attentionHeads = blocks.attentionHeads();
        pooling = blocks.pooling();
        poolingHeads = blocks.poolingHeads();
    }

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
        if (pooling == null) {
            pooling = defaultPooling(); // recorded in the provenance, as the constructors do
        }
        if (attentionHeads.length != 0 && attentionHeads.length != widths.length) {
            throw new PropertyException("", "attentionHeads", "attentionHeads needs one count per stage ("
                    + widths.length + "), found " + attentionHeads.length);
        }
        for (int i = 0; i < attentionHeads.length; i++) {
            if (attentionHeads[i] < 0 || attentionHeads[i] > 0 && widths[i] % attentionHeads[i] != 0) {
                throw new PropertyException("", "attentionHeads", "the attention heads after stage " + (i + 1)
                        + " must divide its " + widths[i] + " channels, found " + attentionHeads[i]);
            }
        }
        int last = widths[widths.length - 1];
        if (poolingHeads < 1 || pooling == ImagePooling.ATTENTION && last % poolingHeads != 0) {
            throw new PropertyException("", "poolingHeads", "the attention pooling heads must divide the last "
                    + "stage's " + last + " channels, found " + poolingHeads);
        }
    }

    /**
     * Appends the transformer block configured after a stage, if any.
     *
     * @param layers   the layers so far
     * @param stage    the stage's index
     * @param width    its channels
     * @param rng      the initialization's random source
     * @param dataType the parameters' type
     */
    protected void addAttention(List<Layer> layers, int stage, int width, SplittableRandom rng, DataType dataType) {
        if (stage < attentionHeads.length && attentionHeads[stage] > 0) {
            layers.add(new TransformerBlock(width, attentionHeads[stage], rng, dataType));
        }
    }

    /**
     * Appends the pooling and the embedding head.
     *
     * @param layers   the layers so far
     * @param channels the last feature map's channels
     * @param height   its height
     * @param width    its width
     * @param rng      the initialization's random source
     * @param dataType the parameters' type
     */
    protected void addPoolingAndHead(List<Layer> layers, int channels, int height, int width, SplittableRandom rng,
                                     DataType dataType) {
        switch (pooling) {
            case FLATTEN -> layers.add(new Flatten());
            case AVG -> layers.add(new GlobalAvgPool2d());
            case GEM -> layers.add(new GeMPool2d(dataType));
            case ATTENTION -> layers.add(new AttentionPool(channels, poolingHeads, rng, dataType));
        }
        addHead(layers, pooling == ImagePooling.FLATTEN ? channels * height * width : channels, rng, dataType);
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
     * The spec text, e.g. {@code cnn:32,64,attn4,128:image=3x64x64,pool=gem}.
     *
     * @param kind    the spec's prefix
     * @param widths  the channel counts
     * @param options options other than the image shape, the pooling and normalization, already formatted
     * @return the text
     */
    protected String describe(String kind, int[] widths, List<String> options) {
        List<String> all = new ArrayList<>();
        if (imageChannels != 1 || imageHeight != 28 || imageWidth != 28) {
            all.add("image=" + imageChannels + "x" + imageHeight + "x" + imageWidth);
        }
        all.addAll(options);
        if (pooling != defaultPooling()) {
            all.add("pool=" + pooling.name().toLowerCase(Locale.ROOT)
                    + (pooling == ImagePooling.ATTENTION && poolingHeads != 1 ? poolingHeads : ""));
        }
        if (!normalize) {
            all.add("normalize=false");
        }
        List<String> stages = new ArrayList<>();
        for (int i = 0; i < widths.length; i++) {
            stages.add(Integer.toString(widths[i]));
            if (i < attentionHeads.length && attentionHeads[i] > 0) {
                stages.add(NetworkSpecs.ATTENTION + attentionHeads[i]);
            }
        }
        stages.add(Integer.toString(embeddingSize));
        return kind + ":" + String.join(",", stages) + (all.isEmpty() ? "" : ":" + String.join(",", all));
    }
}
