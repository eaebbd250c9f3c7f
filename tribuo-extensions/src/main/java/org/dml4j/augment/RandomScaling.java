package org.dml4j.augment;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;

import java.util.SplittableRandom;

/**
 * Zooms each image about its centre by a factor drawn uniformly from {@code [minScale, maxScale]} (above 1
 * enlarges), keeping the image size, like the scale part of torchvision's {@code RandomAffine}. Sampling is bilinear;
 * pixels that come from outside the image are zero.
 */
public final class RandomScaling extends ImageAugmentation {

    @Config(description = "The smallest scale factor.")
    private double minScale = 0.9;

    @Config(description = "The largest scale factor.")
    private double maxScale = 1.1;

    /** For OLCUT. */
    private RandomScaling() {
    }

    /**
     * Creates the augmentation.
     *
     * @param height   image height
     * @param width    image width
     * @param channels channels per pixel
     * @param minScale the smallest factor
     * @param maxScale the largest factor
     */
    public RandomScaling(int height, int width, int channels, double minScale, double maxScale) {
        super(height, width, channels);
        this.minScale = minScale;
        this.maxScale = maxScale;
        postConfig();
    }

    @Override
    public void postConfig() {
        super.postConfig();
        if (!(minScale > 0 && minScale <= maxScale) || Double.isInfinite(maxScale)) {
            throw new PropertyException("", "minScale", "need finite 0 < minScale <= maxScale, found minScale = "
                    + minScale + ", maxScale = " + maxScale);
        }
    }

    @Override
    protected void transform(float[] src, float[] dst, int offset, SplittableRandom rng) {
        double inverse = 1 / (minScale + (maxScale - minScale) * rng.nextDouble());
        warp(src, dst, offset, inverse, 0, 0, inverse);
    }

    @Override
    public String toString() {
        return "RandomScaling(" + shapeString() + ", minScale=" + minScale + ", maxScale=" + maxScale + ")";
    }
}
