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

    /** {@code out[i] = x[i]·scale + shift} over {@code [from, from + m)}. */
    static void affine(float[] x, int from, int m, double scale, double shift, float[] out) {
        float a = (float) scale;
        float b = (float) shift;
        for (int i = from; i < from + m; i++) {
            out[i] = x[i] * a + b;
        }
    }

    /** {@link #affine(float[], int, int, double, double, float[])} for float64. */
    static void affine(double[] x, int from, int m, double scale, double shift, double[] out) {
        for (int i = from; i < from + m; i++) {
            out[i] = x[i] * scale + shift;
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
