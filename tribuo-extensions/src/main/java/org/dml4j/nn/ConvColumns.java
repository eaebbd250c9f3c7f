package org.dml4j.nn;

/**
 * The lowering of a convolution over a CNHW batch ({@link ImageBatch}) to a matrix product: {@code im2col} unfolds the
 * windows of a run of images into columns, {@code col2im} folds column gradients back (summing where windows
 * overlap). Java loops over host arrays, written once for {@code float[]} and once for {@code double[]}: they are the
 * same loops.
 * <p>
 * The column matrix of images {@code [n0, n1)} is {@code [C·k·k, (n1-n0)·oh·ow]}, row-major; its row
 * {@code (c·k + ki)·k + kj} holds, for each image and output pixel {@code (oy, ox)}, the input value at
 * {@code (oy·stride + ki - padding, ox·stride + kj - padding)} of channel {@code c}, or 0 in the padding. Rows follow
 * the order of the weight's {@code [out, in, k, k]} layout, so the weight is the {@code [out, in·k·k]} left factor.
 *
 * @param channels the input channels
 * @param batch    the images in the batch
 * @param height   the input height
 * @param width    the input width
 * @param kernel   the window side
 * @param stride   the stride
 * @param padding  the zero padding on each side
 */
record ConvColumns(int channels, int batch, int height, int width, int kernel, int stride, int padding) {

    /** @return the output height */
    int outHeight() {
        return (int) Conv2d.outputSize(height, kernel, stride, padding);
    }

    /** @return the output width */
    int outWidth() {
        return (int) Conv2d.outputSize(width, kernel, stride, padding);
    }

    /** @return the rows of the column matrix, {@code C·k·k} */
    int rows() {
        return channels * kernel * kernel;
    }

    /** @return the first output column {@code ox} whose window tap {@code kj} lies inside the input */
    private int firstInside(int kj) {
        return Math.max(0, Math.floorDiv(padding - kj + stride - 1, stride));
    }

    /** @return one past the last output column whose window tap {@code kj} lies inside the input */
    private int endInside(int kj, int ow) {
        return Math.max(0, Math.min(ow, Math.floorDiv(width - 1 + padding - kj, stride) + 1));
    }

    /**
     * One output row of one window tap of one image: the column-matrix values {@code [to, to + ow)} come from the input
     * values {@code from + ox·stride} for {@code ox} in {@code [lo, hi)} and are 0 (padding) elsewhere, all of them
     * when {@code inside} is false.
     */
    @FunctionalInterface
    private interface Segment {
        void visit(int to, int from, int lo, int hi, int ow, boolean inside);
    }

    /**
     * Visits the segments of images {@code [n0, n1)}, the input channels in parallel (each channel's segments read
     * and write only that channel's input plane and column rows).
     */
    private void segments(int n0, int n1, Segment segment) {
        int oh = outHeight();
        int ow = outWidth();
        int m = (n1 - n0) * oh * ow;
        ImageBatch.forChannels(channels, (long) kernel * kernel * m, c -> {
            for (int ki = 0; ki < kernel; ki++) {
                for (int kj = 0; kj < kernel; kj++) {
                    int lo = firstInside(kj);
                    int hi = Math.max(lo, endInside(kj, ow));
                    int row = ((c * kernel + ki) * kernel + kj) * m;
                    for (int n = n0; n < n1; n++) {
                        int plane = (c * batch + n) * height * width;
                        for (int oy = 0; oy < oh; oy++) {
                            int iy = oy * stride + ki - padding;
                            segment.visit(row + ((n - n0) * oh + oy) * ow, plane + iy * width + kj - padding, lo, hi,
                                    ow, iy >= 0 && iy < height);
                        }
                    }
                }
            }
        });
    }

    /**
     * Unfolds images {@code [n0, n1)} of a CNHW batch into columns.
     *
     * @param x    the batch, {@code [C, N, H, W]}
     * @param n0   the first image
     * @param n1   one past the last image
     * @param cols the column matrix to overwrite, at least {@code rows() · (n1-n0)·oh·ow} long
     */
    void im2col(float[] x, int n0, int n1, float[] cols) {
        segments(n0, n1, (to, from, lo, hi, ow, inside) -> {
            for (int i = to, end = to + (inside ? lo : ow); i < end; i++) {
                cols[i] = 0;
            }
            if (inside) {
                copy(x, from, lo, hi, cols, to);
                for (int i = to + hi; i < to + ow; i++) {
                    cols[i] = 0;
                }
            }
        });
    }

    /** {@link #im2col(float[], int, int, float[])} for float64. */
    void im2col(double[] x, int n0, int n1, double[] cols) {
        segments(n0, n1, (to, from, lo, hi, ow, inside) -> {
            for (int i = to, end = to + (inside ? lo : ow); i < end; i++) {
                cols[i] = 0;
            }
            if (inside) {
                copy(x, from, lo, hi, cols, to);
                for (int i = to + hi; i < to + ow; i++) {
                    cols[i] = 0;
                }
            }
        });
    }

    /** Copies {@code x[from + ox·stride]} to {@code cols[to + ox]} for {@code ox} in {@code [lo, hi)}. */
    private void copy(Object x, int from, int lo, int hi, Object cols, int to) {
        if (stride == 1) {
            System.arraycopy(x, from + lo, cols, to + lo, hi - lo);
        } else if (x instanceof float[] f) {
            float[] target = (float[]) cols;
            for (int ox = lo; ox < hi; ox++) {
                target[to + ox] = f[from + ox * stride];
            }
        } else {
            double[] source = (double[]) x;
            double[] target = (double[]) cols;
            for (int ox = lo; ox < hi; ox++) {
                target[to + ox] = source[from + ox * stride];
            }
        }
    }

    /**
     * Adds column gradients of images {@code [n0, n1)} into their places in a CNHW input gradient.
     *
     * @param cols the column gradients, {@code rows() × (n1-n0)·oh·ow}
     * @param n0   the first image
     * @param n1   one past the last image
     * @param dx   the input gradient {@code [C, N, H, W]}, added to
     */
    void col2im(float[] cols, int n0, int n1, float[] dx) {
        segments(n0, n1, (from, to, lo, hi, ow, inside) -> {
            if (inside && stride == 1) {
                for (int ox = lo; ox < hi; ox++) {
                    dx[to + ox] += cols[from + ox];
                }
            } else if (inside) {
                for (int ox = lo; ox < hi; ox++) {
                    dx[to + ox * stride] += cols[from + ox];
                }
            }
        });
    }

    /** {@link #col2im(float[], int, int, float[])} for float64. */
    void col2im(double[] cols, int n0, int n1, double[] dx) {
        segments(n0, n1, (from, to, lo, hi, ow, inside) -> {
            if (inside && stride == 1) {
                for (int ox = lo; ox < hi; ox++) {
                    dx[to + ox] += cols[from + ox];
                }
            } else if (inside) {
                for (int ox = lo; ox < hi; ox++) {
                    dx[to + ox * stride] += cols[from + ox];
                }
            }
        });
    }

    /**
     * {@link #im2col(float[], int, int, float[])} on host arrays of either type.
     *
     * @param x    a {@code float[]} or {@code double[]} batch
     * @param n0   the first image
     * @param n1   one past the last image
     * @param cols a column matrix of the same type
     */
    void im2col(Object x, int n0, int n1, Object cols) {
        if (x instanceof float[] f) {
            im2col(f, n0, n1, (float[]) cols);
        } else {
            im2col((double[]) x, n0, n1, (double[]) cols);
        }
    }

    /**
     * {@link #col2im(float[], int, int, float[])} on host arrays of either type.
     *
     * @param cols a {@code float[]} or {@code double[]} column gradient
     * @param n0   the first image
     * @param n1   one past the last image
     * @param dx   an input gradient of the same type
     */
    void col2im(Object cols, int n0, int n1, Object dx) {
        if (cols instanceof float[] f) {
            col2im(f, n0, n1, (float[]) dx);
        } else {
            col2im((double[]) cols, n0, n1, (double[]) dx);
        }
    }
}
