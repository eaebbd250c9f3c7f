package org.dml4j.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * The square shape every image is brought to before training: scaled (bilinear) so that its shorter side is {@code
 * size} pixels, then center-cropped to {@code size × size}, in grey levels (ITU-R 601 luma) or RGB, as floats in
 * [0, 1]. The values are laid out channels first, {@code C × H × W} in c order, which is what the CNN's input layer
 * unflattens a row into; for one channel this is the same as MNIST's row-major pixels.
 *
 * @param size     the height and width in pixels
 * @param channels 1 (grey) or 3 (RGB)
 */
public record ImageFormat(int size, int channels) {

    /**
     * Validates the format.
     *
     * @param size     the side of the square image, in pixels (positive)
     * @param channels 1 (grey) or 3 (RGB)
     * @throws IllegalArgumentException if the size is not positive or the channels are neither 1 nor 3
     */
    public ImageFormat {
        if (size <= 0) {
            throw new IllegalArgumentException("image size must be positive, found " + size);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("images have 1 (grey) or 3 (RGB) channels, found " + channels);
        }
    }

    /** @return the number of values of one image, {@code channels × size × size} */
    public int featureCount() {
        return channels * size * size;
    }

    /**
     * Scales, crops and converts an image.
     *
     * @param image a decoded image of any type
     * @return {@link #featureCount()} values in [0, 1], channels first
     */
    public float[] pixels(BufferedImage image) {
        BufferedImage square = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        double scale = (double) size / Math.min(image.getWidth(), image.getHeight());
        int width = (int) Math.round(image.getWidth() * scale);
        int height = (int) Math.round(image.getHeight() * scale);
        Graphics2D g = square.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, (size - width) / 2, (size - height) / 2, width, height, null);
        } finally {
            g.dispose();
        }
        float[] values = new float[featureCount()];
        int plane = size * size;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int rgb = square.getRGB(x, y);
                int r = (rgb >> 16) & 0xFF;
                int gr = (rgb >> 8) & 0xFF;
                int b = rgb & 0xFF;
                int p = y * size + x;
                if (channels == 1) {
                    values[p] = (float) ((0.299 * r + 0.587 * gr + 0.114 * b) / 255);
                } else {
                    values[p] = r / 255f;
                    values[plane + p] = gr / 255f;
                    values[2 * plane + p] = b / 255f;
                }
            }
        }
        return values;
    }

    @Override
    public String toString() {
        return channels + "x" + size + "x" + size;
    }
}
