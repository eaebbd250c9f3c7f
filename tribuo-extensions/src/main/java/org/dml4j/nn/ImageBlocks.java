package org.dml4j.nn;

/**
 * The optional blocks of an image network ({@link CnnSpec}, {@link ResNetSpec}): a {@link TransformerBlock} after
 * some of its stages and the pooling before its embedding head.
 *
 * @param attentionHeads for each stage, the heads of the transformer block after it, 0 for none (empty: none at all)
 * @param pooling        how the last feature map becomes a row
 * @param poolingHeads   the heads of {@link ImagePooling#ATTENTION} pooling (1 otherwise)
 */
public record ImageBlocks(int[] attentionHeads, ImagePooling pooling, int poolingHeads) {

    /**
     * No transformer blocks and the given pooling.
     *
     * @param pooling how the last feature map becomes a row
     * @return the blocks
     */
    public static ImageBlocks pooling(ImagePooling pooling) {
        return new ImageBlocks(new int[0], pooling, 1);
    }

    /**
     * Copies the heads.
     *
     * @param attentionHeads for each stage, the heads of the transformer block after it, 0 for none
     * @param pooling        how the last feature map becomes a row
     * @param poolingHeads   the heads of attention pooling
     */
    public ImageBlocks {
        attentionHeads = attentionHeads.clone();
    }

    /** @return a copy of the heads per stage */
    @Override
    public int[] attentionHeads() {
        return attentionHeads.clone();
    }
}
