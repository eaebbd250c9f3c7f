package org.dml4j.nn;

/**
 * The per-channel loops of {@link BatchNorm2d} over one channel's row of a CNHW batch's {@code [C, N·H·W]} host
 * matrix ({@link ImageBatch}), once for {@code float[]} and once for {@code double[]} (the same loops). Sums are kept
 * in float64.
 */
final class ChannelRows {

    private ChannelRows() {
    }

    /** @return the mean and the biased variance (two passes) of {@code x[from, from + m)} */
    static double[] meanVariance(float[] x, int from, int m) {
        double sum = 0;
        for (int i = from; i < from + m; i++) {
            sum += x[i];
        }
        double mean = sum / m;
        double squares = 0;
        for (int i = from; i < from + m; i++) {
            double d = x[i] - mean;
            squares += d * d;
        }
        return new double[]{mean, squares / m};
    }

    /** {@link #meanVariance(float[], int, int)} for float64. */
    static double[] meanVariance(double[] x, int from, int m) {
        double sum = 0;
        for (int i = from; i < from + m; i++) {
            sum += x[i];
        }
        double mean = sum / m;
        double squares = 0;
        for (int i = from; i < from + m; i++) {
            double d = x[i] - mean;
            squares += d * d;
        }
        return new double[]{mean, squares / m};
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
        double sumG = 0;
        double sumGx = 0;
        float mu = (float) mean;
        for (int i = from; i < from + m; i++) {
            sumG += g[i];
            sumGx += g[i] * (x[i] - mu);
        }
        return new double[]{sumG, sumGx * invStd};
    }

    /** {@link #gradientSums(float[], float[], int, int, double, double)} for float64. */
    static double[] gradientSums(double[] g, double[] x, int from, int m, double mean, double invStd) {
        double sumG = 0;
        double sumGx = 0;
        for (int i = from; i < from + m; i++) {
            sumG += g[i];
            sumGx += g[i] * (x[i] - mean);
        }
        return new double[]{sumG, sumGx * invStd};
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
