package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;

/**
 * ArcFace (Deng et al. 2019), PML's {@code ArcFaceLoss}: the target logit is {@code cos(theta + m)} with
 * {@code theta} the angle to the class weight, or {@code cos(theta) - m sin(m)} once {@code theta > pi - m} (to keep
 * the logit decreasing), scaled by {@code s}. The margin is given in degrees, as in PML.
 */
public class ArcFaceLoss extends MarginSoftmaxLoss {

    /** PML's default logit scale s. */
    public static final double DEFAULT_SCALE = 64.0;

    /** PML's default angular margin in degrees. */
    public static final double DEFAULT_MARGIN_DEGREES = 28.6;

    @Config(description = "The additive angular margin in degrees (PML default "
            + DEFAULT_MARGIN_DEGREES + ", i.e. 0.5 rad).")
    private double marginDegrees = DEFAULT_MARGIN_DEGREES;

    private ArcFaceLoss() {
        super(DEFAULT_SCALE);
    }

    /**
     * Sets the margin and the scale, leaving the sizes and {@code postConfig()} to a subclass.
     *
     * @param marginDegrees the angular margin in degrees
     * @param scale         the logit scale
     */
    ArcFaceLoss(double marginDegrees, double scale) {
        super(scale);
        this.marginDegrees = marginDegrees;
    }

    /**
     * Creates the loss with PML's defaults (margin 28.6°, scale 64).
     *
     * @param numClasses    the number of classes
     * @param embeddingSize the embedding dimension
     */
    public ArcFaceLoss(int numClasses, int embeddingSize) {
        this(numClasses, embeddingSize, DEFAULT_MARGIN_DEGREES, DEFAULT_SCALE);
    }

    /**
     * Creates the loss.
     *
     * @param numClasses    the number of classes
     * @param embeddingSize the embedding dimension
     * @param marginDegrees the angular margin in degrees
     * @param scale         the logit scale
     */
    public ArcFaceLoss(int numClasses, int embeddingSize, double marginDegrees, double scale) {
        this(marginDegrees, scale);
        this.numClasses = numClasses;
        this.embeddingSize = embeddingSize;
        postConfig();
    }

    /** @return the angular margin in degrees */
    double marginDegrees() {
        return marginDegrees;
    }

    private double marginRadians() {
        return Math.toRadians(marginDegrees);
    }

    @Override
    protected double targetLogit(double cosine) {
        double m = marginRadians();
        double c = Math.max(-1, Math.min(1, cosine));
        double theta = Math.acos(c);
        return theta <= Math.PI - m ? Math.cos(theta + m) : c - m * Math.sin(m);
    }

    @Override
    protected double targetLogitGradient(double cosine) {
        if (cosine < -1 || cosine > 1) {
            return 0;
        }
        double m = marginRadians();
        double theta = Math.acos(cosine);
        if (theta > Math.PI - m) {
            return 1;
        }
        double sine = Math.sqrt(Math.max(1 - cosine * cosine, Double.MIN_NORMAL));
        return Math.sin(theta + m) / sine;
    }

    @Override
    public String toString() {
        return "ArcFaceLoss(numClasses=" + numClasses + ", embeddingSize=" + embeddingSize + ", marginDegrees="
                + marginDegrees + ", scale=" + scale + ")";
    }
}
