package org.dml4j.nn;

/**
 * The per-channel loops of {@link BatchNorm2d} over one channel's row of a CNHW batch's {@code [C, N·H·W]} host
 * matrix ({@link ImageBatch}), once for {@code float[]} and once for {@code double[]} (the same loops). Sums are kept
 * in float64, in several running sums so that the additions overlap.
 */
final class ChannelRows {

    private ChannelRows() {
    }

    /** @return the mean and the biased variance (two passes) of {@code x[from, from + m)} */
    static double[] meanVariance(float[] x, int from, int m) {
        // four running sums: a single one waits out each addition's latency (4 cycles) per value
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int end = from + m;
        int i = from;
        for (; i + 3 < end; i += 4) {
            s0 += x[i];
            s1 += x[i + 1];
            s2 += x[i + 2];
            s3 += x[i + 3];
        }
        for (; i < end; i++) {
            s0 += x[i];
        }
        double mean = (s0 + s1 + s2 + s3) / m;
        s0 = 0;
        s1 = 0;
        s2 = 0;
        s3 = 0;
        for (i = from; i + 3 < end; i += 4) {
            double d0 = x[i] - mean;
            double d1 = x[i + 1] - mean;
            double d2 = x[i + 2] - mean;
            double d3 = x[i + 3] - mean;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; i < end; i++) {
            double d = x[i] - mean;
            s0 += d * d;
        }
        return new double[]{mean, (s0 + s1 + s2 + s3) / m};
    }

    /** {@link #meanVariance(float[], int, int)} for float64. */
    static double[] meanVariance(double[] x, int from, int m) {
        // four running sums: a single one waits out each addition's latency (4 cycles) per value
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int end = from + m;
        int i = from;
        for (; i + 3 < end; i += 4) {
            s0 += x[i];
            s1 += x[i + 1];
            s2 += x[i + 2];
            s3 += x[i + 3];
        }
        for (; i < end; i++) {
            s0 += x[i];
        }
        double mean = (s0 + s1 + s2 + s3) / m;
        s0 = 0;
        s1 = 0;
        s2 = 0;
        s3 = 0;
        for (i = from; i + 3 < end; i += 4) {
            double d0 = x[i] - mean;
            double d1 = x[i + 1] - mean;
            double d2 = x[i + 2] - mean;
            double d3 = x[i + 3] - mean;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; i < end; i++) {
            double d = x[i] - mean;
            s0 += d * d;
        }
        return new double[]{mean, (s0 + s1 + s2 + s3) / m};
    }

    /**
     * {@code out[to + j] = x[from + j]·scale + shift} for {@code j} in {@code [0, m)}, through a ReLU when asked: in
     * float32 the same rounding as a separate ReLU after the affine map.
     */
    static void affine(float[] x, int from, int m, double scale, double shift, boolean relu, float[] out, int to) {
        float a = (float) scale;
        float b = (float) shift;
        for (int j = 0; j < m; j++) {
            float v = x[from + j] * a + b;
            // Math.max, not a comparison: the JIT turns it into a vector max, a branch would mispredict
            out[to + j] = relu ? Math.max(v, 0f) : v;
        }
    }

    /** {@link #affine(float[], int, int, double, double, boolean, float[], int)} for float64. */
    static void affine(double[] x, int from, int m, double scale, double shift, boolean relu, double[] out, int to) {
        for (int j = 0; j < m; j++) {
            double v = x[from + j] * scale + shift;
            out[to + j] = relu ? Math.max(v, 0d) : v;
        }
    }

    /**
     * {@code out[i] += r[i]} over {@code [from, from + m)}, through a ReLU when asked: a residual block's shortcut
     * added to its normalized main path, in float32 with the same rounding as a separate add and ReLU.
     */
    static void addResidual(float[] out, float[] r, int from, int m, boolean relu) {
        for (int i = from; i < from + m; i++) {
            float v = out[i] + r[i];
            out[i] = relu ? Math.max(v, 0f) : v;
        }
    }

    /** {@link #addResidual(float[], float[], int, int, boolean)} for float64. */
    static void addResidual(double[] out, double[] r, int from, int m, boolean relu) {
        for (int i = from; i < from + m; i++) {
            double v = out[i] + r[i];
            out[i] = relu ? Math.max(v, 0d) : v;
        }
    }

    /**
     * Zeroes {@code g[i]} over {@code [from, from + m)} where {@code x[i]·scale + shift} (plus {@code r[i]} when a
     * residual {@code r} is given), the value a ReLU received in the forward pass (same rounding), was not positive:
     * the gradient through that ReLU. The test is on the value's bits (positive exactly when the signed integer is,
     * NaN aside), an AND mask the JIT vectorizes: a float select here was a mispredicted branch, 8× slower on
     * batch-norm outputs.
     */
    static void reluMask(float[] g, float[] x, float[] r, int from, int m, double scale, double shift) {
        float a = (float) scale;
        float b = (float) shift;
        if (r == null) {
            for (int i = from; i < from + m; i++) {
                g[i] = Float.intBitsToFloat(Float.floatToRawIntBits(g[i]) & positive(x[i] * a + b));
            }
        } else {
            for (int i = from; i < from + m; i++) {
                g[i] = Float.intBitsToFloat(Float.floatToRawIntBits(g[i]) & positive(x[i] * a + b + r[i]));
            }
        }
    }

    /** @return all ones when {@code v > 0} (by its bits, as a signed integer), else 0 */
    private static int positive(float v) {
        int y = Float.floatToRawIntBits(v);
        return ~((y | (y - 1)) >> 31);
    }

    /** {@link #reluMask(float[], float[], float[], int, int, double, double)} for float64. */
    static void reluMask(double[] g, double[] x, double[] r, int from, int m, double scale, double shift) {
        if (r == null) {
            for (int i = from; i < from + m; i++) {
                g[i] = Double.longBitsToDouble(Double.doubleToRawLongBits(g[i]) & positive(x[i] * scale + shift));
            }
        } else {
            for (int i = from; i < from + m; i++) {
                g[i] = Double.longBitsToDouble(Double.doubleToRawLongBits(g[i])
                        & positive(x[i] * scale + shift + r[i]));
            }
        }
    }

    /** @return all ones when {@code v > 0} (by its bits, as a signed integer), else 0 */
    private static long positive(double v) {
        long y = Double.doubleToRawLongBits(v);
        return ~((y | (y - 1)) >> 63);
    }

    /**
     * The gradient sums of one channel whose output went through a ReLU (when {@code relu}) and a max pooling: the
     * gradient {@code g[o]} of pooled value {@code o} in {@code [from, from + count)} belongs to input
     * {@code at[o]}, where it passes the ReLU if {@code x[at[o]]·scale + shift > 0}; the gradient of every other input
     * is 0.
     *
     * @return {@code {Σ g, Σ g·x̂}} with {@code x̂ = (x - mean)·invStd}
     */
    static double[] pooledGradientSums(float[] g, int from, int count, int[] at, float[] x, boolean relu,
                                       double scale, double shift, double mean, double invStd) {
        float a = (float) scale;
        float b = (float) shift;
        float mu = (float) mean;
        double sg = 0;
        double sgx = 0;
        for (int o = from; o < from + count; o++) {
            float v = x[at[o]];
            float gv = !relu || v * a + b > 0 ? g[o] : 0f;
            sg += gv;
            sgx += gv * (v - mu);
        }
        return new double[]{sg, sgx * invStd};
    }

    /**
     * {@link #pooledGradientSums(float[], int, int, int[], float[], boolean, double, double, double, double)} for
     * float64.
     */
    static double[] pooledGradientSums(double[] g, int from, int count, int[] at, double[] x, boolean relu,
                                       double scale, double shift, double mean, double invStd) {
        double sg = 0;
        double sgx = 0;
        for (int o = from; o < from + count; o++) {
            double v = x[at[o]];
            double gv = !relu || v * scale + shift > 0 ? g[o] : 0d;
            sg += gv;
            sgx += gv * (v - mean);
        }
        return new double[]{sg, sgx * invStd};
    }

    /**
     * Adds {@code a·g[o]} to {@code dx[at[o]]} for {@code o} in {@code [from, from + count)} where the value passed
     * the ReLU (as in {@link #pooledGradientSums}): the pooled gradient's part of batch normalization's input gradient.
     */
    static void addPooledGradient(float[] g, int from, int count, int[] at, float[] x, boolean relu, double scale,
                                  double shift, double a, float[] dx) {
        float sa = (float) scale;
        float sb = (float) shift;
        float fa = (float) a;
        for (int o = from; o < from + count; o++) {
            int i = at[o];
            if (!relu || x[i] * sa + sb > 0) {
                dx[i] += fa * g[o];
            }
        }
    }

    /**
     * {@link #addPooledGradient(float[], int, int, int[], float[], boolean, double, double, double, float[])} for
     * float64.
     */
    static void addPooledGradient(double[] g, int from, int count, int[] at, double[] x, boolean relu, double scale,
                                  double shift, double a, double[] dx) {
        for (int o = from; o < from + count; o++) {
            int i = at[o];
            if (!relu || x[i] * scale + shift > 0) {
                dx[i] += a * g[o];
            }
        }
    }

    /**
     * The gradient sums of one channel: {@code Σ g} and {@code Σ g·x̂} with {@code x̂ = (x - mean)·invStd}.
     *
     * @return {@code {Σ g, Σ g·x̂}}
     */
    static double[] gradientSums(float[] g, float[] x, int from, int m, double mean, double invStd) {
        double g0 = 0;
        double g1 = 0;
        double gx0 = 0;
        double gx1 = 0;
        float mu = (float) mean;
        int end = from + m;
        int i = from;
        for (; i + 1 < end; i += 2) {
            g0 += g[i];
            g1 += g[i + 1];
            gx0 += g[i] * (x[i] - mu);
            gx1 += g[i + 1] * (x[i + 1] - mu);
        }
        for (; i < end; i++) {
            g0 += g[i];
            gx0 += g[i] * (x[i] - mu);
        }
        return new double[]{g0 + g1, (gx0 + gx1) * invStd};
    }

    /** {@link #gradientSums(float[], float[], int, int, double, double)} for float64. */
    static double[] gradientSums(double[] g, double[] x, int from, int m, double mean, double invStd) {
        double g0 = 0;
        double g1 = 0;
        double gx0 = 0;
        double gx1 = 0;
        int end = from + m;
        int i = from;
        for (; i + 1 < end; i += 2) {
            g0 += g[i];
            g1 += g[i + 1];
            gx0 += g[i] * (x[i] - mean);
            gx1 += g[i + 1] * (x[i + 1] - mean);
        }
        for (; i < end; i++) {
            g0 += g[i];
            gx0 += g[i] * (x[i] - mean);
        }
        return new double[]{g0 + g1, (gx0 + gx1) * invStd};
    }

    /** {@code dx[i] = a·g[i] + b·x[i] + c} over {@code [from, from + m)}: batch normalization's input gradient. */
    static void gradient(float[] g, float[] x, int from, int m, double a, double b, double c, float[] dx) {
        float fa = (float) a;
        float fb = (float) b;
        float fc = (float) c;
        for (int i = from; i < from + m; i++) {
            dx[i] = fa * g[i] + fb * x[i] + fc;
        }
    }

    /** {@link #gradient(float[], float[], int, int, double, double, double, float[])} for float64. */
    static void gradient(double[] g, double[] x, int from, int m, double a, double b, double c, double[] dx) {
        for (int i = from; i < from + m; i++) {
            dx[i] = a * g[i] + b * x[i] + c;
        }
    }
}
