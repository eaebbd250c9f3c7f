package org.dml4j.augment;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;

import java.util.SplittableRandom;

/**
 * Crops a random part of each image and resizes it back to the image's size, as torchvision's
 * {@code RandomResizedCrop(size=(height, width), scale, ratio)} (SimCLR's main augmentation): a box covering a
 * fraction of the area drawn uniformly from {@code [minScale, maxScale]}, with an aspect ratio (width / height) whose
 * logarithm is uniform between those of {@code minRatio} and {@code maxRatio}, placed uniformly; up to ten draws, then
 * the central crop clamped to the ratio range, as torchvision does. The box is resized with bilinear interpolation
 * ({@code align_corners=False}; the box is never larger than the image, so antialiasing never applies).
 */
public final class RandomResizedCrop extends ImageAugmentation {

    private static final int ATTEMPTS = 10;

    @Config(description = "The smallest fraction of the image's area a crop covers (torchvision default 0.08).")
    private double minScale = 0.08;

    @Config(description = "The largest fraction of the image's area a crop covers (torchvision default 1).")
    private double maxScale = 1.0;

    @Config(description = "The smallest aspect ratio width / height of a crop (torchvision default 3/4).")
    private double minRatio = 3.0 / 4;

    @Config(description = "The largest aspect ratio width / height of a crop (torchvision default 4/3).")
    private double maxRatio = 4.0 / 3;

    /** For OLCUT. */
    private RandomResizedCrop() {
    }

    /**
     * Creates the augmentation with torchvision's aspect ratios (3/4 to 4/3).
     *
     * @param height   image height
     * @param width    image width
     * @param channels channels per pixel
     * @param minScale the smallest fraction of the area a crop covers
     * @param maxScale the largest fraction
     */
    public RandomResizedCrop(int height, int width, int channels, double minScale, double maxScale) {
        this(height, width, channels, minScale, maxScale, 3.0 / 4, 4.0 / 3);
    }

    /**
     * Creates the augmentation.
     *
     * @param height   image height
     * @param width    image width
     * @param channels channels per pixel
     * @param minScale the smallest fraction of the area a crop covers
     * @param maxScale the largest fraction
     * @param minRatio the smallest aspect ratio width / height
     * @param maxRatio the largest aspect ratio
     */
    public RandomResizedCrop(int height, int width, int channels, double minScale, double maxScale, double minRatio,
                             double maxRatio) {
        super(height, width, channels);
        this.minScale = minScale;
        this.maxScale = maxScale;
        this.minRatio = minRatio;
        this.maxRatio = maxRatio;
        postConfig();
    }

    @Override
    public void postConfig() {
        super.postConfig();
        if (!(minScale > 0 && minScale <= maxScale && maxScale <= 1)) {
            throw new PropertyException("", "minScale", "need 0 < minScale <= maxScale <= 1, found minScale = "
                    + minScale + ", maxScale = " + maxScale);
        }
        if (!(minRatio > 0 && minRatio <= maxRatio) || Double.isInfinite(maxRatio)) {
            throw new PropertyException("", "minRatio", "need finite 0 < minRatio <= maxRatio, found minRatio = "
                    + minRatio + ", maxRatio = " + maxRatio);
        }
    }

    /**
     * The crop box torchvision's {@code RandomResizedCrop.get_params} draws, from this generator.
     *
     * @param rng the source of randomness
     * @return {@code {top, left, boxHeight, boxWidth}}
     */
    int[] box(SplittableRandom rng) {
        double area = (double) height * width;
        double logMin = Math.log(minRatio);
        double logMax = Math.log(maxRatio);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double targetArea = area * (minScale + (maxScale - minScale) * rng.nextDouble());
            double aspect = Math.exp(logMin + (logMax - logMin) * rng.nextDouble());
            int w = (int) Math.round(Math.sqrt(targetArea * aspect));
            int h = (int) Math.round(Math.sqrt(targetArea / aspect));
            if (w > 0 && w <= width && h > 0 && h <= height) {
                return new int[]{rng.nextInt(height - h + 1), rng.nextInt(width - w + 1), h, w};
            }
        }
        double inRatio = (double) width / height;
        int w = width;
        int h = height;
        if (inRatio < minRatio) {
            h = (int) Math.round(w / minRatio);
        } else if (inRatio > maxRatio) {
            w = (int) Math.round(h * maxRatio);
        }
        return new int[]{(height - h) / 2, (width - w) / 2, h, w};
    }

    @Override
    protected void transform(float[] src, float[] dst, int offset, SplittableRandom rng) {
        int[] box = box(rng);
        resizeBox(src, dst, offset, box[0], box[1], box[2], box[3]);
    }

    /**
     * Resizes a box of the image to the whole image, as PyTorch's bilinear {@code interpolate} with
     * {@code align_corners=False}.
     *
     * @param src    the input images
     * @param dst    the output images
     * @param offset the image's first value
     * @param top    the box's first row
     * @param left   the box's first column
     * @param boxH   the box's height
     * @param boxW   the box's width
     */
    void resizeBox(float[] src, float[] dst, int offset, int top, int left, int boxH, int boxW) {
        for (int y = 0; y < height; y++) {
            double sy = Math.max(0, (y + 0.5) * boxH / height - 0.5);
            int y0 = Math.min((int) sy, boxH - 1);
            int y1 = Math.min(y0 + 1, boxH - 1);
            double fy = sy - y0;
            for (int x = 0; x < width; x++) {
                double sx = Math.max(0, (x + 0.5) * boxW / width - 0.5);
                int x0 = Math.min((int) sx, boxW - 1);
                int x1 = Math.min(x0 + 1, boxW - 1);
                double fx = sx - x0;
                for (int c = 0; c < channels; c++) {
                    double topRow = (1 - fx) * pixel(src, offset, left + x0, top + y0, c)
                            + fx * pixel(src, offset, left + x1, top + y0, c);
                    double bottomRow = (1 - fx) * pixel(src, offset, left + x0, top + y1, c)
                            + fx * pixel(src, offset, left + x1, top + y1, c);
                    dst[offset + index(x, y, c)] = (float) ((1 - fy) * topRow + fy * bottomRow);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "RandomResizedCrop(" + shapeString() + ", minScale=" + minScale + ", maxScale=" + maxScale
                + ", minRatio=" + minRatio + ", maxRatio=" + maxRatio + ")";
    }
}
