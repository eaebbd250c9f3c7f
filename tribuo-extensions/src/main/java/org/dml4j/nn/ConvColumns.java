package org.dml4j.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;

/**
 * The lowering of a convolution over a CNHW batch ({@link ImageBatch}) to a matrix product: {@code im2col} unfolds the
 * windows of a run of images into columns, {@code col2im} folds column gradients back (summing where windows
 * overlap). Java loops over a host copy of the input (or input gradient) and, one row at a time, the column matrix's
 * array buffer, written once for {@code float[]} and once for {@code double[]}: they are the same loops.
 * <p>
 * The column matrix of images {@code [n0, n1)} is {@code [C·k·k, (n1-n0)·oh·ow]}, row-major; its row
 * {@code (c·k + ki)·k + kj} holds, for each image and output pixel {@code (oy, ox)}, the input value at
 * {@code (oy·stride + ki - padding, ox·stride + kj - padding)} of channel {@code c}, or 0 in the padding. Rows follow
 * the order of the weight's {@code [out, in, k, k]} layout, so the weight is the {@code [out, in·k·k]} left factor.
 * With stride 1 and an output as wide as the input ("same" padding) one image's part of a row is its input plane
 * shifted, so it is copied (or, folding, added) as one run per image and tap rather than one segment per output row.
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
     * One output row of one window tap of one image: the values {@code [to, to + ow)} of a column-matrix row come from
     * the input values {@code from + ox·stride} for {@code ox} in {@code [lo, hi)} and are 0 (padding) elsewhere, all
     * of them when {@code inside} is false.
     */
    @FunctionalInterface
    private interface Segment {
        void visit(int to, int from, int lo, int hi, int ow, boolean inside);
    }

    /**
     * The part of one column-matrix row that holds images {@code [a0, a1)}: its host copy {@code row} (float[] or
     * double[]) of {@code length} values, which lie at {@code at} in the matrix's buffer, and the row's input channel
     * and window tap.
     */
    @FunctionalInterface
    private interface Row {
        void visit(Object row, int at, int length, int c, int ki, int kj, int a0, int a1);
    }

    /** Per thread, the host copy of one column-matrix row, float32 and float64. */
    private static final ThreadLocal<Object[]> ROW = ThreadLocal.withInitial(() -> new Object[2]);

    /** Parallel tasks per thread when there are too few input channels to share out (the first convolution). */
    private static final int TASKS_PER_THREAD = 4;

    /** @return the calling thread's host row buffer of {@code like}'s type, at least {@code length} long */
    private static Object rowBuffer(Object like, int length) {
        Object[] rows = ROW.get();
        int slot = like instanceof float[] ? 0 : 1;
        rows[slot] = ImageBatch.scratch(like, length, rows[slot]);
        return rows[slot];
    }

    /**
     * Visits the column-matrix rows of images {@code [n0, n1)} in parallel tasks, each with the thread's row buffer:
     * one task per input channel (each channel's rows read and write only that channel's input plane and column
     * rows), or, when there are fewer channels than {@value #TASKS_PER_THREAD} tasks per thread, one per channel
     * and run of images (the runs' parts of a row are disjoint too).
     */
    private void rows(Object like, int n0, int n1, Row body) {
        int pixels = outHeight() * outWidth();
        int m = (n1 - n0) * pixels;
        int threads = ForkJoinPool.getCommonPoolParallelism() + 1;
        int wanted = Math.max(1, Math.min(n1 - n0, (TASKS_PER_THREAD * threads + channels - 1) / channels));
        int perBlock = (n1 - n0 + wanted - 1) / wanted;
        int blocks = (n1 - n0 + perBlock - 1) / perBlock; // each run holds at least one image
        ImageBatch.forChannels(channels * blocks, (long) kernel * kernel * m / blocks, task -> {
            int c = task / blocks;
            int a0 = n0 + task % blocks * perBlock;
            int a1 = Math.min(n1, a0 + perBlock);
            int length = (a1 - a0) * pixels;
            Object row = rowBuffer(like, length);
            for (int ki = 0; ki < kernel; ki++) {
                for (int kj = 0; kj < kernel; kj++) {
                    int index = (c * kernel + ki) * kernel + kj;
                    body.visit(row, index * m + (a0 - n0) * pixels, length, c, ki, kj, a0, a1);
                }
            }
        });
    }

    /** Visits the segments of one column-matrix row (window tap {@code (ki, kj)} of channel {@code c}). */
    private void segments(int c, int ki, int kj, int n0, int n1, Segment segment) {
        int oh = outHeight();
        int ow = outWidth();
        int lo = firstInside(kj);
        int hi = Math.max(lo, endInside(kj, ow));
        for (int n = n0; n < n1; n++) {
            int plane = (c * batch + n) * height * width;
            for (int oy = 0; oy < oh; oy++) {
                int iy = oy * stride + ki - padding;
                segment.visit(((n - n0) * oh + oy) * ow, plane + iy * width + kj - padding, lo, hi, ow,
                        iy >= 0 && iy < height);
            }
        }
    }

    /**
     * Whether each column-matrix row of an image is its input plane shifted by a constant offset: stride 1 and an
     * output as wide as the input ("same" padding), so that output pixel {@code p = oy·ow + ox} of tap
     * {@code (ki, kj)} reads input pixel {@code p + shift}, except where the tap falls in the padding.
     */
    private boolean shifted() {
        return stride == 1 && outWidth() == width;
    }

    /**
     * One image's part of a shifted column-matrix row ({@link #shifted}): its values {@code [base + start, base + end)}
     * are the input values {@code [plane + start + shift, plane + end + shift)}, except the taps in the padding, which
     * {@link #zeroPadding} zeroes; the values outside the run are all padding.
     */
    @FunctionalInterface
    private interface Run {
        void visit(int base, int plane, int start, int end, int shift);
    }

    /** Visits the runs of window tap {@code (ki, kj)} of channel {@code c}, one per image of {@code [n0, n1)}. */
    private void runs(int c, int ki, int kj, int n0, int n1, Run run) {
        int oh = outHeight();
        int ow = outWidth();
        int lo = firstInside(kj);
        int hi = endInside(kj, ow);
        int oyLo = Math.max(0, padding - ki);
        int oyHi = Math.min(oh, height + padding - ki);
        boolean empty = oyHi <= oyLo || hi <= lo;
        int start = empty ? 0 : oyLo * ow + lo;
        int end = empty ? 0 : (oyHi - 1) * ow + hi;
        for (int n = n0; n < n1; n++) {
            run.visit((n - n0) * oh * ow, (c * batch + n) * height * width, start, end,
                    (ki - padding) * width + kj - padding);
        }
    }

    /**
     * Zeroes the padding taps of one image's run of tap column {@code kj} in a column-matrix row: before and after the
     * run, and between its output rows where the shifted plane wrapped around to the next input row.
     */
    private void zeroPadding(Object row, int base, int start, int end, int kj) {
        int ow = outWidth();
        int lo = firstInside(kj);
        int hi = endInside(kj, ow);
        fill(row, base, base + start);
        for (int gap = start - lo + hi; start < end && gap < end; gap += ow) {
            fill(row, base + gap, base + Math.min(end, gap - hi + ow + lo));
        }
        fill(row, base + end, base + outHeight() * ow);
    }

    private static void fill(Object row, int from, int to) {
        if (row instanceof float[] f) {
            Arrays.fill(f, from, to, 0f);
        } else {
            Arrays.fill((double[]) row, from, to, 0d);
        }
    }

    /**
     * Unfolds images {@code [n0, n1)} of a CNHW batch into a column-matrix array, row by row through the thread's
     * host row buffer (the matrix itself is written once, by bulk copies into the array's buffer).
     *
     * @param x    the batch, {@code [C, N, H, W]}, a {@code float[]} or {@code double[]}
     * @param n0   the first image
     * @param n1   one past the last image
     * @param cols a new c-ordered array of the batch's type, {@code [rows(), (n1-n0)·oh·ow]}, overwritten
     */
    void im2col(Object x, int n0, int n1, INDArray cols) {
        if (x instanceof float[] f) {
            FloatBuffer target = cols.data().asNioFloat();
            rows(x, n0, n1, (row, at, length, c, ki, kj, a0, a1) -> {
                float[] r = (float[]) row;
                if (shifted()) {
                    runs(c, ki, kj, a0, a1, (base, plane, start, end, shift) -> {
                        if (start < end) {
                            System.arraycopy(f, plane + start + shift, r, base + start, end - start);
                        }
                        zeroPadding(r, base, start, end, kj);
                    });
                    target.put(at, r, 0, length);
                    return;
                }
                segments(c, ki, kj, a0, a1, (to, from, lo, hi, ow, inside) -> {
                    for (int i = to, end = to + (inside ? lo : ow); i < end; i++) {
                        r[i] = 0;
                    }
                    if (inside) {
                        copy(f, from, lo, hi, r, to);
                        for (int i = to + hi; i < to + ow; i++) {
                            r[i] = 0;
                        }
                    }
                });
                target.put(at, r, 0, length);
            });
        } else {
            double[] d = (double[]) x;
            DoubleBuffer target = cols.data().asNioDouble();
            rows(x, n0, n1, (row, at, length, c, ki, kj, a0, a1) -> {
                double[] r = (double[]) row;
                if (shifted()) {
                    runs(c, ki, kj, a0, a1, (base, plane, start, end, shift) -> {
                        if (start < end) {
                            System.arraycopy(d, plane + start + shift, r, base + start, end - start);
                        }
                        zeroPadding(r, base, start, end, kj);
                    });
                    target.put(at, r, 0, length);
                    return;
                }
                segments(c, ki, kj, a0, a1, (to, from, lo, hi, ow, inside) -> {
                    for (int i = to, end = to + (inside ? lo : ow); i < end; i++) {
                        r[i] = 0;
                    }
                    if (inside) {
                        copy(d, from, lo, hi, r, to);
                        for (int i = to + hi; i < to + ow; i++) {
                            r[i] = 0;
                        }
                    }
                });
                target.put(at, r, 0, length);
            });
        }
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
     * Adds column gradients of images {@code [n0, n1)} into their places in a CNHW input gradient, reading the column
     * matrix row by row into the thread's host row buffer.
     *
     * @param cols the column gradients, a c-ordered {@code [rows(), (n1-n0)·oh·ow]} array
     * @param n0   the first image
     * @param n1   one past the last image
     * @param dx   the input gradient {@code [C, N, H, W]}, a host array of the columns' type, added to
     */
    void col2im(INDArray cols, int n0, int n1, Object dx) {
        INDArray dense = ImageBatch.dense(cols);
        if (dx instanceof float[] f) {
            FloatBuffer source = dense.data().asNioFloat();
            rows(dx, n0, n1, (row, at, length, c, ki, kj, a0, a1) -> {
                float[] r = (float[]) row;
                source.get(at, r, 0, length);
                if (shifted()) {
                    runs(c, ki, kj, a0, a1, (base, plane, start, end, shift) -> {
                        zeroPadding(r, base, start, end, kj); // the padding's gradients, which wrapped into the run
                        for (int p = start; p < end; p++) {
                            f[plane + shift + p] += r[base + p];
                        }
                    });
                    return;
                }
                segments(c, ki, kj, a0, a1, (from, to, lo, hi, ow, inside) -> {
                    if (inside && stride == 1) {
                        for (int ox = lo; ox < hi; ox++) {
                            f[to + ox] += r[from + ox];
                        }
                    } else if (inside) {
                        for (int ox = lo; ox < hi; ox++) {
                            f[to + ox * stride] += r[from + ox];
                        }
                    }
                });
            });
        } else {
            double[] d = (double[]) dx;
            DoubleBuffer source = dense.data().asNioDouble();
            rows(dx, n0, n1, (row, at, length, c, ki, kj, a0, a1) -> {
                double[] r = (double[]) row;
                source.get(at, r, 0, length);
                if (shifted()) {
                    runs(c, ki, kj, a0, a1, (base, plane, start, end, shift) -> {
                        zeroPadding(r, base, start, end, kj); // the padding's gradients, which wrapped into the run
                        for (int p = start; p < end; p++) {
                            d[plane + shift + p] += r[base + p];
                        }
                    });
                    return;
                }
                segments(c, ki, kj, a0, a1, (from, to, lo, hi, ow, inside) -> {
                    if (inside && stride == 1) {
                        for (int ox = lo; ox < hi; ox++) {
                            d[to + ox] += r[from + ox];
                        }
                    } else if (inside) {
                        for (int ox = lo; ox < hi; ox++) {
                            d[to + ox * stride] += r[from + ox];
                        }
                    }
                });
            });
        }
    }
}
