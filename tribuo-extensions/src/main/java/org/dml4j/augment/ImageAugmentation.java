package org.dml4j.augment;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * An augmentation of images stored as flat rows in {@code channels × height × width} order (PyTorch's layout, the
 * one {@link org.dml4j.nn.CnnSpec} and the image data sources use): the value of channel {@code c} at column
 * {@code x}, row {@code y} is at {@link #index index(x, y, c)} {@code = (c * height + y) * width + x}. Subclasses transform
 * one image at a time.
 */
public abstract class ImageAugmentation implements Augmentation {

    /** Image height in pixels. */
    @Config(mandatory = true, description = "Image height in pixels (28 for MNIST).")
    protected int height;

    /** Image width in pixels. */
    @Config(mandatory = true, description = "Image width in pixels (28 for MNIST).")
    protected int width;

    /** Channels per pixel, stored last. */
    @Config(description = "Channels per pixel, stored last (1 for grey, 3 for RGB).")
    protected int channels = 1;

    /** For OLCUT. */
    protected ImageAugmentation() {
    }

    /**
     * Sets the image shape; the subclass validates it with {@link #postConfig()} once its own fields are set.
     *
     * @param height   image height
     * @param width    image width
     * @param channels channels per pixel
     */
    protected ImageAugmentation(int height, int width, int channels) {
        this.height = height;
        this.width = width;
        this.channels = channels;
    }

    @Override
    public void postConfig() {
        checkPositive("height", height);
        checkPositive("width", width);
        checkPositive("channels", channels);
    }

    private static void checkPositive(String field, int value) {
        if (value < 1) {
            throw new PropertyException("", field, field + " must be >= 1, found " + value);
        }
    }

    @Override
    public final INDArray apply(INDArray batch, SplittableRandom rng) {
        int size = height * width * channels;
        if (batch.rank() != 2 || batch.columns() != size) {
            throw new IllegalArgumentException("expected B × " + size + " rows of " + height + "×" + width + "×"
                    + channels + " images, found shape " + Arrays.toString(batch.shape()));
        }
        float[] src = batch.castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] dst = new float[src.length];
        for (int offset = 0; offset < src.length; offset += size) {
            transform(src, dst, offset, rng);
        }
        return Nd4j.create(dst, batch.shape(), 'c').castTo(batch.dataType());
    }

    /**
     * Transforms one image.
     *
     * @param src    the input images
     * @param dst    where to write the output, every value of the image
     * @param offset the index of the image's first value in both arrays
     * @param rng    the source of randomness
     */
    protected abstract void transform(float[] src, float[] dst, int offset, SplittableRandom rng);

    /**
     * The value at a pixel, zero outside the image.
     *
     * @param src    the images
     * @param offset the image's first value
     * @param x      the column
     * @param y      the row
     * @param c      the channel
     * @return the value, or 0 outside the image
     */
    protected final float pixel(float[] src, int offset, int x, int y, int c) {
        if (x < 0 || y < 0 || x >= width || y >= height) {
            return 0f;
        }
        return src[offset + index(x, y, c)];
    }

    /**
     * Fills an image by sampling the source bilinearly (zero outside) at an affine map of each output pixel around
     * the image centre: output pixel {@code (x, y)} takes the source value at
     * {@code centre + [[a, b], [c, d]] · ((x, y) - centre)}.
     *
     * @param src    the input images
     * @param dst    the output images
     * @param offset the image's first value
     * @param a      the map's top-left entry
     * @param b      top-right
     * @param c      bottom-left
     * @param d      bottom-right
     */
    protected final void warp(float[] src, float[] dst, int offset, double a, double b, double c, double d) {
        double cx = (width - 1) / 2.0;
        double cy = (height - 1) / 2.0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double sx = cx + a * (x - cx) + b * (y - cy);
                double sy = cy + c * (x - cx) + d * (y - cy);
                int x0 = (int) Math.floor(sx);
                int y0 = (int) Math.floor(sy);
                double fx = sx - x0;
                double fy = sy - y0;
                for (int ch = 0; ch < channels; ch++) {
                    double top = (1 - fx) * pixel(src, offset, x0, y0, ch) + fx * pixel(src, offset, x0 + 1, y0, ch);
                    double bottom = (1 - fx) * pixel(src, offset, x0, y0 + 1, ch)
                            + fx * pixel(src, offset, x0 + 1, y0 + 1, ch);
                    dst[offset + index(x, y, ch)] = (float) ((1 - fy) * top + fy * bottom);
                }
            }
        }
    }

    /**
     * The position of a value within one image's row.
     *
     * @param x the column
     * @param y the row
     * @param c the channel
     * @return {@code (c * height + y) * width + x}
     */
    protected int index(int x, int y, int c) {
        return (c * height + y) * width + x;
    }

    /** @return the shape as {@code height=.., width=.., channels=..}, for {@code toString} */
    protected final String shapeString() {
        return "height=" + height + ", width=" + width + ", channels=" + channels;
    }
}
