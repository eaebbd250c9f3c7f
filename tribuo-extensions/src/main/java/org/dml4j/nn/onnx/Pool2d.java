package org.dml4j.nn.onnx;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ONNX {@code MaxPool} and {@code AveragePool} over the planes of an image batch (the same for CNHW and NCHW), with
 * any window, strides and padding (floor rounding, ONNX's {@code ceil_mode = 0}). Max pooling ignores the padding and
 * sends the gradient to the first maximum of a window, as PyTorch; average pooling divides by the whole window when
 * {@code count_include_pad} is set and by the values inside the image otherwise.
 */
final class Pool2d implements GraphOp {

    private final boolean max;
    private final boolean countPadding;
    private final Window window;
    private long[] inputShape;
    private int[] argMax;

    /**
     * Creates the pooling.
     *
     * @param max          max pooling, else average pooling
     * @param countPadding whether an average divides by the padded window's size
     * @param window       the window (dilation 1)
     */
    Pool2d(boolean max, boolean countPadding, Window window) {
        this.max = max;
        this.countPadding = countPadding;
        this.window = window;
    }

    @Override
    public INDArray forward(INDArray[] inputs, boolean training) {
        INDArray x = inputs[0];
        if (x.rank() != 4) {
            throw new IllegalArgumentException("pooling expects an image batch, found rank " + x.rank());
        }
        inputShape = x.shape();
        int planes = (int) (inputShape[0] * inputShape[1]);
        int h = (int) inputShape[2];
        int w = (int) inputShape[3];
        int oh = window.outHeight(h);
        int ow = window.outWidth(w);
        double[] in = Host.values(x);
        double[] out = new double[planes * oh * ow];
        argMax = max ? new int[out.length] : null;
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int o = (p * oh + oy) * ow + ox;
                    int y0 = oy * window.strideH() - window.padTop();
                    int x0 = ox * window.strideW() - window.padLeft();
                    double best = Double.NEGATIVE_INFINITY;
                    double sum = 0;
                    for (int y = Math.max(0, y0); y < Math.min(h, y0 + window.kernelH()); y++) {
                        for (int xx = Math.max(0, x0); xx < Math.min(w, x0 + window.kernelW()); xx++) {
                            int i = (p * h + y) * w + xx;
                            sum += in[i];
                            if (max && in[i] > best) {
                                best = in[i];
                                argMax[o] = i;
                            }
                        }
                    }
                    out[o] = max ? best : sum / divisor(y0, x0, h, w);
                }
            }
        }
        return Host.array(out, x.dataType(), inputShape[0], inputShape[1], oh, ow);
    }

    /** The number of values an average over the window at {@code (y0, x0)} divides by. */
    private int divisor(int y0, int x0, int h, int w) {
        if (countPadding) {
            // the padded window, clipped to the padded image
            int rows = Math.min(y0 + window.kernelH(), h + window.padBottom()) - y0;
            int cols = Math.min(x0 + window.kernelW(), w + window.padRight()) - x0;
            return rows * cols;
        }
        int rows = Math.min(h, y0 + window.kernelH()) - Math.max(0, y0);
        int cols = Math.min(w, x0 + window.kernelW()) - Math.max(0, x0);
        return rows * cols;
    }

    @Override
    public INDArray[] backward(INDArray gradOutput, boolean[] wanted) {
        long[] s = ForwardCheck.require(inputShape, max ? "MaxPool" : "AveragePool");
        if (!wanted[0]) {
            return new INDArray[1];
        }
        int h = (int) s[2];
        int w = (int) s[3];
        int oh = (int) gradOutput.size(2);
        int ow = (int) gradOutput.size(3);
        double[] g = Host.values(gradOutput);
        double[] dx = new double[(int) (s[0] * s[1]) * h * w];
        for (int o = 0; o < g.length; o++) {
            if (max) {
                dx[argMax[o]] += g[o];
                continue;
            }
            int p = o / (oh * ow);
            int y0 = (o / ow % oh) * window.strideH() - window.padTop();
            int x0 = (o % ow) * window.strideW() - window.padLeft();
            double share = g[o] / divisor(y0, x0, h, w);
            for (int y = Math.max(0, y0); y < Math.min(h, y0 + window.kernelH()); y++) {
                for (int xx = Math.max(0, x0); xx < Math.min(w, x0 + window.kernelW()); xx++) {
                    dx[(p * h + y) * w + xx] += share;
                }
            }
        }
        return new INDArray[]{Host.array(dx, gradOutput.dataType(), s)};
    }

    @Override
    public GraphOp copy() {
        return new Pool2d(max, countPadding, window);
    }

    @Override
    public String toString() {
        return (max ? "MaxPool" : "AveragePool") + window;
    }
}
