package org.dml4j.augment;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;

import java.util.SplittableRandom;

/**
 * Rotates each image about its centre by an angle drawn uniformly from {@code [minDegrees, maxDegrees]}, positive
 * angles counter-clockwise as displayed (rows top to bottom), like torchvision's {@code RandomRotation}. Sampling is
 * bilinear; pixels that come from outside the image are zero.
 */
public final class RandomRotation extends ImageAugmentation {

    @Config(description = "The smallest angle in degrees.")
    private double minDegrees = -15;

    @Config(description = "The largest angle in degrees.")
    private double maxDegrees = 15;

    /** For OLCUT. */
    private RandomRotation() {
    }

    /**
     * Creates the augmentation.
     *
     * @param height     image height
     * @param width      image width
     * @param channels   channels per pixel
     * @param minDegrees the smallest angle
     * @param maxDegrees the largest angle
     */
    public RandomRotation(int height, int width, int channels, double minDegrees, double maxDegrees) {
        super(height, width, channels);
        this.minDegrees = minDegrees;
        this.maxDegrees = maxDegrees;
        postConfig();
    }

    @Override
    public void postConfig() {
        super.postConfig();
        if (!(minDegrees <= maxDegrees) || Double.isInfinite(minDegrees) || Double.isInfinite(maxDegrees)) {
            throw new PropertyException("", "maxDegrees", "need finite minDegrees <= maxDegrees, found minDegrees = "
                    + minDegrees + ", maxDegrees = " + maxDegrees);
        }
    }

    @Override
    protected void transform(float[] src, float[] dst, int offset, SplittableRandom rng) {
        double radians = Math.toRadians(minDegrees + (maxDegrees - minDegrees) * rng.nextDouble());
        double cos = Math.cos(radians);
        double sin = Math.sin(radians);
        // The inverse rotation maps each output pixel back to its source.
        warp(src, dst, offset, cos, -sin, sin, cos);
    }

    @Override
    public String toString() {
        return "RandomRotation(" + shapeString() + ", minDegrees=" + minDegrees + ", maxDegrees=" + maxDegrees + ")";
    }
}
