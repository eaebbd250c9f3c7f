package org.dml4j.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

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
        int oh = (int) Conv2d.outputSize(inputShape[2], kernel, stride, 0);
        int ow = (int) Conv2d.outputSize(inputShape[3], kernel, stride, 0);
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
        for (int o = p * oh * ow, i = 0; i < oh; i++) {
            for (int j = 0; j < ow; j++, o++) {
                int corner = (p * h + i * stride) * w + j * stride;
                int best = corner;
                for (int di = 0; di < kernel; di++) {
                    for (int at = corner + di * w, end = at + kernel; at < end; at++) {
                        best = x[at] > x[best] ? at : best;
                    }
                }
                argMax[o] = best;
                out[o] = x[best];
            }
        }
    }

    /** {@link #pool(float[], float[], int, int, int, int, int)} for float64. */
    private void pool(double[] x, double[] out, int p, int h, int w, int oh, int ow) {
        for (int o = p * oh * ow, i = 0; i < oh; i++) {
            for (int j = 0; j < ow; j++, o++) {
                int corner = (p * h + i * stride) * w + j * stride;
                int best = corner;
                for (int di = 0; di < kernel; di++) {
                    for (int at = corner + di * w, end = at + kernel; at < end; at++) {
                        best = x[at] > x[best] ? at : best;
                    }
                }
                argMax[o] = best;
                out[o] = x[best];
            }
        }
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        int[] from = ForwardCache.require(argMax, "MaxPool2d");
        int length = Math.toIntExact(gradOutput.length());
        Object output = ImageBatch.readShared(gradOutput, ImageBatch.STAGING);
        int inputLength = Math.toIntExact(inputShape[0] * inputShape[1] * inputShape[2] * inputShape[3]);
        Object inputGradient = ImageBatch.zeros(output, inputLength,
                ImageBatch.shared(ImageBatch.SECOND, output, inputLength));
        if (output instanceof float[] g) {
            float[] dx = (float[]) inputGradient;
            for (int o = 0; o < length; o++) {
                dx[from[o]] += g[o];
            }
        } else {
            double[] g = (double[]) output;
            double[] dx = (double[]) inputGradient;
            for (int o = 0; o < length; o++) {
                dx[from[o]] += g[o];
            }
        }
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
