package org.dml4j.nn;

import org.dml4j.nd.HostArrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Max pooling over square windows of an NCHW batch, without padding (PyTorch's {@code nn.MaxPool2d(k, stride)}).
 * The gradient goes to the first maximum of each window, as in PyTorch; output side
 * {@code (size - k) / stride + 1}.
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

    @Override
    public INDArray forward(INDArray input, boolean training) {
        if (input.rank() != 4) {
            throw new IllegalArgumentException("MaxPool2d expects an NCHW batch, found rank " + input.rank());
        }
        inputShape = input.shape();
        int planes = Math.toIntExact(inputShape[0] * inputShape[1]);
        int h = (int) inputShape[2];
        int w = (int) inputShape[3];
        int oh = (int) Conv2d.outputSize(h, kernel, stride, 0);
        int ow = (int) Conv2d.outputSize(w, kernel, stride, 0);
        double[] x = HostArrays.doubles(input);
        double[] out = new double[planes * oh * ow];
        argMax = new int[out.length];
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int best = p * h * w + i * stride * w + j * stride;
                    for (int di = 0; di < kernel; di++) {
                        for (int dj = 0; dj < kernel; dj++) {
                            int at = p * h * w + (i * stride + di) * w + j * stride + dj;
                            if (x[at] > x[best]) {
                                best = at;
                            }
                        }
                    }
                    int o = (p * oh + i) * ow + j;
                    out[o] = x[best];
                    argMax[o] = best;
                }
            }
        }
        return HostArrays.float64(out, inputShape[0], inputShape[1], oh, ow)
                .castTo(input.dataType());
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        int[] from = ForwardCache.require(argMax, "MaxPool2d");
        double[] g = HostArrays.doubles(gradOutput);
        double[] dx = new double[Math.toIntExact(inputShape[0] * inputShape[1] * inputShape[2] * inputShape[3])];
        for (int o = 0; o < g.length; o++) {
            dx[from[o]] += g[o];
        }
        return HostArrays.float64(dx, inputShape).castTo(gradOutput.dataType());
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
