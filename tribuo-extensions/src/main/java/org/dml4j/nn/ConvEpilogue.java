package org.dml4j.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * What follows a convolution in inference, applied in one pass over its product, image plane by image plane (each
 * plane read once from the product's buffer into a host array that stays in cache): a per-channel affine map
 * {@code y = x·scale + shift} (the convolution's bias and, folded in, an inference-mode {@link BatchNorm2d}), then
 * optionally a residual added ({@link ResidualBlock}'s shortcut), a ReLU and a {@link MaxPool2d}. The same values as
 * running the layers one after another, in a fraction of their memory passes, and without their backward caches.
 */
final class ConvEpilogue {

    private final double[] scale;
    private final double[] shift;
    private final INDArray residual;
    private final boolean relu;
    private final MaxPool2d pool;

    private ConvEpilogue(double[] scale, double[] shift, INDArray residual, boolean relu, MaxPool2d pool) {
        this.scale = scale;
        this.shift = shift;
        this.residual = residual == null ? null : ImageBatch.dense(residual);
        this.relu = relu;
        this.pool = pool;
    }

    /**
     * The epilogue of a convolution.
     *
     * @param conv     the convolution, whose bias it applies
     * @param norm     the batch normalization after it (running statistics), or null
     * @param residual a CNHW array of the normalized output's shape to add, or null
     * @param relu     whether a ReLU follows
     * @param pool     the max pooling after all that, or null
     * @return the epilogue
     */
    static ConvEpilogue of(Conv2d conv, BatchNorm2d norm, INDArray residual, boolean relu, MaxPool2d pool) {
        double[] shift = conv.bias().toDoubleVector();
        double[] scale = new double[shift.length];
        Arrays.fill(scale, 1);
        if (norm != null) {
            norm.foldInto(scale, shift);
        }
        return new ConvEpilogue(scale, shift, residual, relu, pool);
    }

    /**
     * Applies the epilogue to a convolution's product.
     *
     * @param product the product, {@code [C, N·h·w]} in c order; overwritten when there is no pooling
     * @param n       the images
     * @param h       the planes' height
     * @param w       the planes' width
     * @return the CNHW output: the product itself, reshaped, or a new pooled array
     */
    INDArray apply(INDArray product, int n, int h, int w) {
        int channels = scale.length;
        int plane = h * w;
        int oh = pool == null ? h : pool.outputSize(h);
        int ow = pool == null ? w : pool.outputSize(w);
        INDArray out = pool == null ? product.reshape('c', channels, n, h, w)
                : Nd4j.createUninitialized(product.dataType(), new long[]{channels, n, oh, ow}, 'c');
        boolean floats = product.dataType() == DataType.FLOAT;
        ImageBatch.forChannels(channels, (long) n * plane, c -> {
            if (floats) {
                planes(product.data().asNioFloat(), out.data().asNioFloat(), c, n, h, w, oh, ow);
            } else {
                planes(product.data().asNioDouble(), out.data().asNioDouble(), c, n, h, w, oh, ow);
            }
        });
        return out;
    }

    private void planes(FloatBuffer in, FloatBuffer out, int c, int n, int h, int w, int oh, int ow) {
        int plane = h * w;
        float[] x = new float[plane];
        float[] r = residual == null ? null : new float[plane];
        float[] pooled = pool == null ? x : new float[oh * ow];
        FloatBuffer res = residual == null ? null : residual.data().asNioFloat();
        float a = (float) scale[c];
        float b = (float) shift[c];
        for (int i = 0; i < n; i++) {
            int p = c * n + i;
            in.get(p * plane, x, 0, plane);
            if (r != null) {
                res.get(p * plane, r, 0, plane);
            }
            for (int k = 0; k < plane; k++) {
                float v = x[k] * a + b + (r == null ? 0 : r[k]);
                // Math.max, not a comparison: the JIT turns it into a vector max, a branch would mispredict
                x[k] = relu ? Math.max(v, 0f) : v;
            }
            if (pool != null) {
                pool.pool(x, 0, h, w, pooled, 0, oh, ow, null);
            }
            out.put(p * oh * ow, pooled, 0, oh * ow);
        }
    }

    /** {@link #planes(FloatBuffer, FloatBuffer, int, int, int, int, int, int)} for float64. */
    private void planes(DoubleBuffer in, DoubleBuffer out, int c, int n, int h, int w, int oh, int ow) {
        int plane = h * w;
        double[] x = new double[plane];
        double[] r = residual == null ? null : new double[plane];
        double[] pooled = pool == null ? x : new double[oh * ow];
        DoubleBuffer res = residual == null ? null : residual.data().asNioDouble();
        double a = scale[c];
        double b = shift[c];
        for (int i = 0; i < n; i++) {
            int p = c * n + i;
            in.get(p * plane, x, 0, plane);
            if (r != null) {
                res.get(p * plane, r, 0, plane);
            }
            for (int k = 0; k < plane; k++) {
                double v = x[k] * a + b + (r == null ? 0 : r[k]);
                // Math.max, not a comparison: the JIT turns it into a vector max, a branch would mispredict
                x[k] = relu ? Math.max(v, 0d) : v;
            }
            if (pool != null) {
                pool.pool(x, 0, h, w, pooled, 0, oh, ow, null);
            }
            out.put(p * oh * ow, pooled, 0, oh * ow);
        }
    }
}
