package org.dml4j.augment;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;

import java.util.SplittableRandom;

/** Mirrors each image left to right with probability {@code probability}, like torchvision's transform. */
public final class RandomHorizontalFlip extends ImageAugmentation {

    @Config(description = "The probability of flipping an image (torchvision default 0.5).")
    private double probability = 0.5;

    /** For OLCUT. */
    private RandomHorizontalFlip() {
    }

    /**
     * Creates the augmentation.
     *
     * @param height      image height
     * @param width       image width
     * @param channels    channels per pixel
     * @param probability the probability of flipping an image
     */
    public RandomHorizontalFlip(int height, int width, int channels, double probability) {
        super(height, width, channels);
        this.probability = probability;
        postConfig();
    }

    @Override
    public void postConfig() {
        super.postConfig();
        if (!(probability >= 0 && probability <= 1)) {
            throw new PropertyException("", "probability", "probability must be in [0, 1], found " + probability);
        }
    }

    @Override
    protected void transform(float[] src, float[] dst, int offset, SplittableRandom rng) {
        boolean flip = rng.nextDouble() < probability;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int from = flip ? width - 1 - x : x;
                for (int c = 0; c < channels; c++) {
                    dst[offset + index(x, y, c)] = pixel(src, offset, from, y, c);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "RandomHorizontalFlip(" + shapeString() + ", probability=" + probability + ")";
    }
}
