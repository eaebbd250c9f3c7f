package org.dml4j.augment;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;

import java.util.SplittableRandom;

/**
 * Blurs each image with a Gaussian kernel of {@code kernelSize × kernelSize} pixels whose standard deviation is
 * drawn uniformly from {@code [minSigma, maxSigma]}, as torchvision's {@code GaussianBlur(kernel_size, sigma)}
 * (SimCLR applies it with probability 0.5): the normalized kernel {@code exp(-x² / (2σ²))} at offsets
 * {@code -(k-1)/2 … (k-1)/2}, reflect padding at the borders, each channel separately. With {@code probability < 1}
 * an image is left as it is with probability {@code 1 - probability} (torchvision's {@code RandomApply}).
 */
public final class GaussianBlur extends ImageAugmentation {

    @Config(description = "The kernel's width and height in pixels, odd (SimCLR: about a tenth of the image size).")
    private int kernelSize = 3;

    @Config(description = "The smallest standard deviation in pixels (torchvision default 0.1).")
    private double minSigma = 0.1;

    @Config(description = "The largest standard deviation in pixels (torchvision default 2).")
    private double maxSigma = 2.0;

    @Config(description = "The probability of blurring an image (1: always; SimCLR uses 0.5).")
    private double probability = 1.0;

    /** For OLCUT. */
    private GaussianBlur() {
    }

    /**
     * Creates the augmentation.
     *
     * @param height      image height
     * @param width       image width
     * @param channels    channels per pixel
     * @param kernelSize  the kernel's size, odd
     * @param minSigma    the smallest standard deviation
     * @param maxSigma    the largest standard deviation
     * @param probability the probability of blurring an image
     */
    public GaussianBlur(int height, int width, int channels, int kernelSize, double minSigma, double maxSigma,
                        double probability) {
        super(height, width, channels);
        this.kernelSize = kernelSize;
        this.minSigma = minSigma;
        this.maxSigma = maxSigma;
        this.probability = probability;
        postConfig();
    }

    @Override
    public void postConfig() {
        super.postConfig();
        if (kernelSize < 1 || kernelSize % 2 == 0) {
            throw new PropertyException("", "kernelSize", "kernelSize must be odd and >= 1, found " + kernelSize);
        }
        if (kernelSize / 2 >= Math.min(height, width)) {
            throw new PropertyException("", "kernelSize", "kernelSize " + kernelSize + " needs a reflect padding of "
                    + kernelSize / 2 + " pixels, which a " + height + "×" + width + " image cannot give: use a "
                    + "kernelSize below " + 2 * Math.min(height, width));
        }
        if (!(minSigma > 0 && minSigma <= maxSigma) || Double.isInfinite(maxSigma)) {
            throw new PropertyException("", "minSigma", "need finite 0 < minSigma <= maxSigma, found minSigma = "
                    + minSigma + ", maxSigma = " + maxSigma);
        }
        if (!(probability >= 0 && probability <= 1)) {
            throw new PropertyException("", "probability", "probability must be in [0, 1], found " + probability);
        }
    }

    @Override
    protected void transform(float[] src, float[] dst, int offset, SplittableRandom rng) {
        boolean blur = rng.nextDouble() < probability;
        double sigma = minSigma + (maxSigma - minSigma) * rng.nextDouble();
        if (blur) {
            blur(src, dst, offset, sigma);
        } else {
            System.arraycopy(src, offset, dst, offset, height * width * channels);
        }
    }

    /**
     * The normalized one-dimensional kernel torchvision builds.
     *
     * @param sigma the standard deviation
     * @return {@code kernelSize} weights summing to 1
     */
    double[] kernel(double sigma) {
        double[] k = new double[kernelSize];
        double half = (kernelSize - 1) / 2.0;
        double sum = 0;
        for (int i = 0; i < kernelSize; i++) {
            double x = (i - half) / sigma;
            k[i] = Math.exp(-0.5 * x * x);
            sum += k[i];
        }
        for (int i = 0; i < kernelSize; i++) {
            k[i] /= sum;
        }
        return k;
    }

    /**
     * Blurs one image with a fixed standard deviation: rows, then columns (the 2-D kernel is their outer product).
     *
     * @param src    the input images
     * @param dst    the output images
     * @param offset the image's first value
     * @param sigma  the standard deviation
     */
    void blur(float[] src, float[] dst, int offset, double sigma) {
        double[] k = kernel(sigma);
        int half = kernelSize / 2;
        double[] rows = new double[height * width];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double sum = 0;
                    for (int i = 0; i < kernelSize; i++) {
                        sum += k[i] * src[offset + index(reflect(x + i - half, width), y, c)];
                    }
                    rows[y * width + x] = sum;
                }
            }
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double sum = 0;
                    for (int i = 0; i < kernelSize; i++) {
                        sum += k[i] * rows[reflect(y + i - half, height) * width + x];
                    }
                    dst[offset + index(x, y, c)] = (float) sum;
                }
            }
        }
    }

    /** PyTorch's {@code reflect} padding: -1 reads 1, {@code size} reads {@code size - 2}. */
    private static int reflect(int i, int size) {
        if (i < 0) {
            return -i;
        }
        return i >= size ? 2 * (size - 1) - i : i;
    }

    @Override
    public String toString() {
        return "GaussianBlur(" + shapeString() + ", kernelSize=" + kernelSize + ", minSigma=" + minSigma
                + ", maxSigma=" + maxSigma + ", probability=" + probability + ")";
    }
}
