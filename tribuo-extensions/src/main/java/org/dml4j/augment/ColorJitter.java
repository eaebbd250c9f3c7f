package org.dml4j.augment;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;

import java.util.SplittableRandom;

/**
 * Randomly changes the brightness, contrast, saturation and hue of each image, as torchvision's
 * {@code ColorJitter(brightness, contrast, saturation, hue)} on float images with values in {@code [0, 1]} (SimCLR
 * uses 0.4, 0.4, 0.4, 0.1, applied with probability 0.8). Per image: a random order of the four adjustments, then
 * a brightness, contrast and saturation factor each uniform in {@code [max(0, 1 - s), 1 + s]} and a hue shift uniform
 * in {@code [-hue, hue]} (an adjustment with strength 0 is skipped and draws nothing). As torchvision:
 * <ul>
 *   <li>brightness multiplies every value by the factor;</li>
 *   <li>contrast blends with the mean grey level of the image ({@code 0.2989 R + 0.587 G + 0.114 B} for RGB);</li>
 *   <li>saturation blends each pixel with its grey level;</li>
 *   <li>hue rotates the hue in HSV space by the shift (a fraction of the colour circle);</li>
 * </ul>
 * each result clamped to {@code [0, 1]}. Grey images ({@code channels = 1}) take brightness and contrast only; as in
 * torchvision, saturation and hue leave them unchanged. With {@code probability < 1} an image is left as it is with
 * probability {@code 1 - probability} (torchvision's {@code RandomApply}).
 */
public final class ColorJitter extends ImageAugmentation {

    private static final double RED = 0.2989;
    private static final double GREEN = 0.587;
    private static final double BLUE = 0.114;

    @Config(description = "The brightness strength s: factor uniform in [max(0, 1 - s), 1 + s] (0: unchanged).")
    private double brightness = 0.4;

    @Config(description = "The contrast strength s: factor uniform in [max(0, 1 - s), 1 + s] (0: unchanged).")
    private double contrast = 0.4;

    @Config(description = "The saturation strength s: factor uniform in [max(0, 1 - s), 1 + s] (0: unchanged).")
    private double saturation = 0.4;

    @Config(description = "The largest hue shift, a fraction of the colour circle in [0, 0.5] (0: unchanged).")
    private double hue = 0.1;

    @Config(description = "The probability of jittering an image (1: always; SimCLR uses 0.8).")
    private double probability = 1.0;

    /** For OLCUT. */
    private ColorJitter() {
    }

    /**
     * Creates the augmentation.
     *
     * @param height      image height
     * @param width       image width
     * @param channels    channels per pixel: 1 (grey) or 3 (RGB)
     * @param brightness  the brightness strength
     * @param contrast    the contrast strength
     * @param saturation  the saturation strength
     * @param hue         the largest hue shift
     * @param probability the probability of jittering an image
     */
    public ColorJitter(int height, int width, int channels, double brightness, double contrast, double saturation,
                       double hue, double probability) {
        super(height, width, channels);
        this.brightness = brightness;
        this.contrast = contrast;
        this.saturation = saturation;
        this.hue = hue;
        this.probability = probability;
        postConfig();
    }

    @Override
    public void postConfig() {
        super.postConfig();
        if (channels != 1 && channels != 3) {
            throw new PropertyException("", "channels", "ColorJitter needs grey (1) or RGB (3) images, found "
                    + channels + " channels");
        }
        checkStrength("brightness", brightness);
        checkStrength("contrast", contrast);
        checkStrength("saturation", saturation);
        if (!(hue >= 0 && hue <= 0.5)) {
            throw new PropertyException("", "hue", "hue must be in [0, 0.5], found " + hue);
        }
        if (!(probability >= 0 && probability <= 1)) {
            throw new PropertyException("", "probability", "probability must be in [0, 1], found " + probability);
        }
    }

    private static void checkStrength(String field, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new PropertyException("", field, field + " must be finite and >= 0, found " + value);
        }
    }

    @Override
    protected void transform(float[] src, float[] dst, int offset, SplittableRandom rng) {
        int size = height * width * channels;
        double[] image = new double[size];
        for (int i = 0; i < size; i++) {
            image[i] = src[offset + i];
        }
        if (rng.nextDouble() < probability) {
            int[] order = permutation(rng);
            double b = factor(brightness, rng);
            double c = factor(contrast, rng);
            double s = factor(saturation, rng);
            double h = hue > 0 ? -hue + 2 * hue * rng.nextDouble() : Double.NaN;
            jitter(image, order, b, c, s, h);
        }
        for (int i = 0; i < size; i++) {
            dst[offset + i] = (float) image[i];
        }
    }

    /** A uniformly random order of the four adjustments (0 brightness, 1 contrast, 2 saturation, 3 hue). */
    private static int[] permutation(SplittableRandom rng) {
        int[] order = {0, 1, 2, 3};
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private static double factor(double strength, SplittableRandom rng) {
        if (strength == 0) {
            return Double.NaN;
        }
        double low = Math.max(0, 1 - strength);
        return low + (1 + strength - low) * rng.nextDouble();
    }

    /**
     * Applies the adjustments with fixed factors, in the given order; a NaN factor skips its adjustment.
     *
     * @param image      one image, {@code channels × height × width}, changed in place
     * @param order      the order of the adjustments (0 brightness, 1 contrast, 2 saturation, 3 hue)
     * @param brightness the brightness factor
     * @param contrast   the contrast factor
     * @param saturation the saturation factor
     * @param hueShift   the hue shift
     */
    void jitter(double[] image, int[] order, double brightness, double contrast, double saturation,
                double hueShift) {
        for (int op : order) {
            switch (op) {
                case 0 -> {
                    if (!Double.isNaN(brightness)) {
                        blend(image, brightness, 0);
                    }
                }
                case 1 -> {
                    if (!Double.isNaN(contrast)) {
                        blend(image, contrast, meanGrey(image));
                    }
                }
                case 2 -> {
                    if (!Double.isNaN(saturation) && channels == 3) {
                        saturate(image, saturation);
                    }
                }
                default -> {
                    if (!Double.isNaN(hueShift) && channels == 3) {
                        shiftHue(image, hueShift);
                    }
                }
            }
        }
    }

    /** torchvision's {@code _blend}: {@code clamp(factor · x + (1 - factor) · other, 0, 1)}. */
    private static double mix(double x, double other, double factor) {
        return Math.min(1, Math.max(0, factor * x + (1 - factor) * other));
    }

    private static void blend(double[] image, double factor, double other) {
        for (int i = 0; i < image.length; i++) {
            image[i] = mix(image[i], other, factor);
        }
    }

    private double meanGrey(double[] image) {
        int plane = height * width;
        double sum = 0;
        for (int p = 0; p < plane; p++) {
            sum += channels == 1 ? image[p] : grey(image, p, plane);
        }
        return sum / plane;
    }

    private static double grey(double[] image, int p, int plane) {
        return RED * image[p] + GREEN * image[plane + p] + BLUE * image[2 * plane + p];
    }

    private void saturate(double[] image, double factor) {
        int plane = height * width;
        for (int p = 0; p < plane; p++) {
            double g = grey(image, p, plane);
            for (int c = 0; c < 3; c++) {
                image[c * plane + p] = mix(image[c * plane + p], g, factor);
            }
        }
    }

    /** torchvision's {@code adjust_hue}: RGB → HSV, shift the hue modulo 1, HSV → RGB. */
    private void shiftHue(double[] image, double shift) {
        int plane = height * width;
        for (int p = 0; p < plane; p++) {
            double r = image[p];
            double g = image[plane + p];
            double b = image[2 * plane + p];
            double max = Math.max(r, Math.max(g, b));
            double min = Math.min(r, Math.min(g, b));
            double chroma = max - min;
            boolean grey = max == min;
            double s = chroma / (grey ? 1 : max);
            double divisor = grey ? 1 : chroma;
            double rc = (max - r) / divisor;
            double gc = (max - g) / divisor;
            double bc = (max - b) / divisor;
            double h;
            if (max == r) {
                h = bc - gc;
            } else if (max == g) {
                h = 2 + rc - bc;
            } else {
                h = 4 + gc - rc;
            }
            h = floorMod(floorMod(h / 6 + 1, 1) + shift, 1);
            double[] rgb = hsvToRgb(h, s, max);
            image[p] = rgb[0];
            image[plane + p] = rgb[1];
            image[2 * plane + p] = rgb[2];
        }
    }

    private static double floorMod(double x, double m) {
        return x - Math.floor(x / m) * m;
    }

    private static double[] hsvToRgb(double h, double s, double v) {
        double scaled = h * 6;
        int i = (int) Math.floor(scaled);
        double f = scaled - i;
        double p = Math.min(1, Math.max(0, v * (1 - s)));
        double q = Math.min(1, Math.max(0, v * (1 - s * f)));
        double t = Math.min(1, Math.max(0, v * (1 - s * (1 - f))));
        return switch (Math.floorMod(i, 6)) {
            case 0 -> new double[]{v, t, p};
            case 1 -> new double[]{q, v, p};
            case 2 -> new double[]{p, v, t};
            case 3 -> new double[]{p, q, v};
            case 4 -> new double[]{t, p, v};
            default -> new double[]{v, p, q};
        };
    }

    @Override
    public String toString() {
        return "ColorJitter(" + shapeString() + ", brightness=" + brightness + ", contrast=" + contrast
                + ", saturation=" + saturation + ", hue=" + hue + ", probability=" + probability + ")";
    }
}
