package org.dml4j.augment;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;

import java.util.SplittableRandom;

/**
 * Pads each image with {@code padding} zero pixels on every side and crops it back to its size at a uniformly
 * random position, like torchvision's {@code RandomCrop(size, padding)}: the image moves by up to {@code padding}
 * pixels in each direction and the uncovered border is zero.
 */
public final class RandomCrop extends ImageAugmentation {

    @Config(description = "Zero pixels added on each side before cropping (4 is common for 28×28 and 32×32).")
    private int padding = 4;

    /** For OLCUT. */
    private RandomCrop() {
    }

    /**
     * Creates the augmentation.
     *
     * @param height   image height
     * @param width    image width
     * @param channels channels per pixel
     * @param padding  the zero border added on each side before cropping
     */
    public RandomCrop(int height, int width, int channels, int padding) {
        super(height, width, channels);
        this.padding = padding;
        postConfig();
    }

    @Override
    public void postConfig() {
        super.postConfig();
        if (padding < 0) {
            throw new PropertyException("", "padding", "padding must be >= 0, found " + padding);
        }
    }

    @Override
    protected void transform(float[] src, float[] dst, int offset, SplittableRandom rng) {
        int dx = rng.nextInt(2 * padding + 1) - padding;
        int dy = rng.nextInt(2 * padding + 1) - padding;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < channels; c++) {
                    dst[offset + index(x, y, c)] = pixel(src, offset, x + dx, y + dy, c);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "RandomCrop(" + shapeString() + ", padding=" + padding + ")";
    }
}
