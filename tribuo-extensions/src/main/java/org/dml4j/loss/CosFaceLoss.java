package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;

/**
 * CosFace (Wang et al. 2018, "large margin cosine loss"), PML's {@code CosFaceLoss}: the target logit is
 * {@code cos(theta) - m}, every logit scaled by {@code s}.
 */
public final class CosFaceLoss extends MarginSoftmaxLoss {

    /** PML's default logit scale s. */
    public static final double DEFAULT_SCALE = 64.0;

    /** PML's default cosine margin. */
    public static final double DEFAULT_MARGIN = 0.35;

    @Config(description = "The additive cosine margin (PML default " + DEFAULT_MARGIN + ").")
    private double margin = DEFAULT_MARGIN;

    private CosFaceLoss() {
        super(DEFAULT_SCALE);
    }

    /**
     * Creates the loss with PML's defaults (margin 0.35, scale 64).
     *
     * @param numClasses    the number of classes
     * @param embeddingSize the embedding dimension
     */
    public CosFaceLoss(int numClasses, int embeddingSize) {
        this(numClasses, embeddingSize, DEFAULT_MARGIN, DEFAULT_SCALE);
    }

    /**
     * Creates the loss.
     *
     * @param numClasses    the number of classes
     * @param embeddingSize the embedding dimension
     * @param margin        the cosine margin
     * @param scale         the logit scale
     */
    public CosFaceLoss(int numClasses, int embeddingSize, double margin, double scale) {
        super(DEFAULT_SCALE);
        this.numClasses = numClasses;
        this.embeddingSize = embeddingSize;
        this.margin = margin;
        this.scale = scale;
        postConfig();
    }

    @Override
    protected double targetLogit(double cosine) {
        return cosine - margin;
    }

    @Override
    protected double targetLogitGradient(double cosine) {
        return 1;
    }

    @Override
    public String toString() {
        return "CosFaceLoss(numClasses=" + numClasses + ", embeddingSize=" + embeddingSize + ", margin=" + margin
                + ", scale=" + scale + ")";
    }
}
