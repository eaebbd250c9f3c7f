package org.dml4j.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * Max pooling over square windows of an image batch, without padding (PyTorch's {@code nn.MaxPool2d(k, stride)}).
 * The gradient goes to the first maximum of each window, as in PyTorch; output side {@code (size - k) / stride + 1}.
 * Java loops over a host copy, image plane by image plane, so the same for CNHW ({@link ImageBatch}) and NCHW.
 */
public final class MaxPool2d implements Layer {

    private final int kernel;
    private final int stride;
    private int[] argMax;
    private long[] inputShape;

    /**
     * Creates the layer.
     *
     * @param kernel the window side
     * @param stride the stride
     */
    public MaxPool2d(int kernel, int stride) {
        if (kernel <= 0 || stride <= 0) {
            throw new IllegalArgumentException("MaxPool2d needs a positive kernel and stride, found kernel=" + kernel
                    + " stride=" + stride);
        }
        this.kernel = kernel;
        this.stride = stride;
    }

    /** @return the window's side */
    public int kernel() {
        return kernel;
    }

    /** @return the stride */
    public int stride() {
        return stride;
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("MaxPool2d expects an image batch, found rank " + x.rank());
        }
        inputShape = x.shape();
        int planes = Math.toIntExact(inputShape[0] * inputShape[1]);
        int oh = outputSize(inputShape[2]);
        int ow = outputSize(inputShape[3]);
        Object input = ImageBatch.readShared(x, ImageBatch.STAGING);
        int length = planes * oh * ow;
        Object output = ImageBatch.shared(ImageBatch.SECOND, input, length);
        argMax = argMax != null && argMax.length >= length ? argMax : new int[length];
        int h = (int) inputShape[2];
        int w = (int) inputShape[3];
        ImageBatch.forChannels(planes, (long) h * w, p -> {
            if (input instanceof float[] f) {
                pool(f, (float[]) output, p, h, w, oh, ow);
            } else {
                pool((double[]) input, (double[]) output, p, h, w, oh, ow);
            }
        });
        return ImageBatch.write(output, inputShape[0], inputShape[1], oh, ow);
    }

    /** Pools image plane {@code p}, keeping the index of each window's first maximum. */
    private void pool(float[] x, float[] out, int p, int h, int w, int oh, int ow) {
        pool(x, p * h * w, h, w, out, p * oh * ow, oh, ow, argMax);
    }

    /** {@link #pool(float[], float[], int, int, int, int, int)} for float64. */
    private void pool(double[] x, double[] out, int p, int h, int w, int oh, int ow) {
        pool(x, p * h * w, h, w, out, p * oh * ow, oh, ow, argMax);
    }

    /**
     * Pools one {@code h × w} image plane starting at {@code x[from]} into the {@code oh × ow} values starting at
     * {@code out[to]}.
     *
     * @param argMax where to keep the index in {@code x} of each window's first maximum (at the output's index), or
     *               null in inference
     */
    void pool(float[] x, int from, int h, int w, float[] out, int to, int oh, int ow, int[] argMax) {
        if (kernel == 2 && stride == 2) {
            pool2x2(x, from, w, out, to, oh, ow, argMax);
            return;
        }
        for (int o = to, i = 0; i < oh; i++) {
            for (int j = 0; j < ow; j++, o++) {
                int corner = from + i * stride * w + j * stride;
                int best = corner;
                for (int di = 0; di < kernel; di++) {
                    for (int at = corner + di * w, end = at + kernel; at < end; at++) {
                        // an index select (a conditional move); a float select would be a branch that mispredicts
                        best = x[at] > x[best] ? at : best;
                    }
                }
                if (argMax != null) {
                    argMax[o] = best;
                }
                out[o] = x[best];
            }
        }
    }

    /** {@link #pool(float[], int, int, int, float[], int, int, int, int[])} for float64. */
    void pool(double[] x, int from, int h, int w, double[] out, int to, int oh, int ow, int[] argMax) {
        if (kernel == 2 && stride == 2) {
            pool2x2(x, from, w, out, to, oh, ow, argMax);
            return;
        }
        for (int o = to, i = 0; i < oh; i++) {
            for (int j = 0; j < ow; j++, o++) {
                int corner = from + i * stride * w + j * stride;
                int best = corner;
                for (int di = 0; di < kernel; di++) {
                    for (int at = corner + di * w, end = at + kernel; at < end; at++) {
                        // an index select (a conditional move); a float select would be a branch that mispredicts
                        best = x[at] > x[best] ? at : best;
                    }
                }
                if (argMax != null) {
                    argMax[o] = best;
                }
                out[o] = x[best];
            }
        }
    }

    /**
     * The 2×2 windows of stride 2 (the usual pooling) with the window unrolled: the same first maximum as the general
     * loop (Math.max differs from a comparison only for NaN and the sign of zero, which compare equal), without its
     * two inner loops and its chain of loads.
     */
    private static void pool2x2(float[] x, int from, int w, float[] out, int to, int oh, int ow, int[] argMax) {
        for (int o = to, i = 0; i < oh; i++) {
            for (int a = from + 2 * i * w, end = a + 2 * ow; a < end; a += 2, o++) {
                float v0 = x[a];
                float v1 = x[a + 1];
                float v2 = x[a + w];
                float v3 = x[a + w + 1];
                // the running maximum by Math.max (no load that waits for the last select), the tap by selects
                int k = v1 > v0 ? 1 : 0;
                float max = Math.max(v0, v1);
                k = v2 > max ? 2 : k;
                k = v3 > Math.max(max, v2) ? 3 : k;
                int best = a + (k & 1) + (k >> 1) * w;
                if (argMax != null) {
                    argMax[o] = best;
                }
                out[o] = x[best];
            }
        }
    }

    /** {@link #pool2x2(float[], int, int, float[], int, int, int, int[])} for float64. */
    private static void pool2x2(double[] x, int from, int w, double[] out, int to, int oh, int ow, int[] argMax) {
        for (int o = to, i = 0; i < oh; i++) {
            for (int a = from + 2 * i * w, end = a + 2 * ow; a < end; a += 2, o++) {
                double v0 = x[a];
                double v1 = x[a + 1];
                double v2 = x[a + w];
                double v3 = x[a + w + 1];
                // the running maximum by Math.max (no load that waits for the last select), the tap by selects
                int k = v1 > v0 ? 1 : 0;
                double max = Math.max(v0, v1);
                k = v2 > max ? 2 : k;
                k = v3 > Math.max(max, v2) ? 3 : k;
                int best = a + (k & 1) + (k >> 1) * w;
                if (argMax != null) {
                    argMax[o] = best;
                }
                out[o] = x[best];
            }
        }
    }

    /**
     * @param size an input side
     * @return the output side for it
     */
    int outputSize(long size) {
        return (int) Conv2d.outputSize(size, kernel, stride, 0);
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        int[] from = ForwardCache.require(argMax, "MaxPool2d");
        int length = Math.toIntExact(gradOutput.length());
        Object output = ImageBatch.readShared(gradOutput, ImageBatch.STAGING);
        int inputLength = Math.toIntExact(inputShape[0] * inputShape[1] * inputShape[2] * inputShape[3]);
        Object inputGradient = ImageBatch.shared(ImageBatch.SECOND, output, inputLength);
        int plane = (int) (inputShape[2] * inputShape[3]);
        int pooled = length / Math.toIntExact(inputShape[0] * inputShape[1]);
        // plane by plane (each plane's maxima lie in it): zeroed and filled while it is in cache, planes in parallel
        ImageBatch.forChannels(length / pooled, plane, p -> {
            if (output instanceof float[] g) {
                float[] dx = (float[]) inputGradient;
                Arrays.fill(dx, p * plane, (p + 1) * plane, 0f);
                for (int o = p * pooled; o < (p + 1) * pooled; o++) {
                    dx[from[o]] += g[o];
                }
            } else {
                double[] g = (double[]) output;
                double[] dx = (double[]) inputGradient;
                Arrays.fill(dx, p * plane, (p + 1) * plane, 0d);
                for (int o = p * pooled; o < (p + 1) * pooled; o++) {
                    dx[from[o]] += g[o];
                }
            }
        });
        return ImageBatch.write(inputGradient, inputShape);
    }

    @Override
    public Layer copy() {
        return new MaxPool2d(kernel, stride);
    }

    @Override
    public String toString() {
        return "MaxPool2d(kernel=" + kernel + ", stride=" + stride + ")";
    }
}
