package org.dml4j.nn.onnx;

import java.util.Arrays;

/**
 * Numpy-style broadcasting of row-major host values, as ONNX's element-wise operators and {@code MatMul} apply it:
 * shapes are aligned at their last axes and an axis of size 1 stretches to the other's size.
 */
final class Broadcast {

    private Broadcast() {
    }

    /**
     * @param a a shape
     * @param b another shape
     * @return the broadcast shape
     * @throws IllegalArgumentException if the shapes do not broadcast
     */
    static long[] shape(long[] a, long[] b) {
        int rank = Math.max(a.length, b.length);
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            long x = dim(a, i, rank);
            long y = dim(b, i, rank);
            if (x != y && x != 1 && y != 1) {
                throw new IllegalArgumentException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " do not broadcast");
            }
            out[i] = x == 1 ? y : x;
        }
        return out;
    }

    private static long dim(long[] shape, int i, int rank) {
        int j = i - (rank - shape.length);
        return j < 0 ? 1 : shape[j];
    }

    private static long size(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** For each index of {@code to}, the index of {@code from} it reads. */
    private static int[] sources(long[] from, long[] to) {
        int rank = to.length;
        long[] strides = new long[rank];
        long stride = 1;
        for (int i = rank - 1; i >= 0; i--) {
            long d = dim(from, i, rank);
            strides[i] = d == 1 ? 0 : stride;
            stride *= d;
        }
        int[] src = new int[(int) size(to)];
        long[] index = new long[rank];
        for (int k = 0; k < src.length; k++) {
            long s = 0;
            for (int i = 0; i < rank; i++) {
                s += index[i] * strides[i];
            }
            src[k] = (int) s;
            for (int i = rank - 1; i >= 0 && ++index[i] == to[i]; i--) {
                index[i] = 0;
            }
        }
        return src;
    }

    /**
     * @param values values of shape {@code from}
     * @param from   their shape
     * @param to     a shape {@code from} broadcasts to
     * @return the values stretched to {@code to}
     */
    static double[] expand(double[] values, long[] from, long[] to) {
        if (Arrays.equals(from, to)) {
            return values;
        }
        int[] src = sources(from, to);
        double[] out = new double[src.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = values[src[k]];
        }
        return out;
    }

    /**
     * The gradient of {@link #expand}: sums the values of the stretched axes.
     *
     * @param values values of shape {@code to}
     * @param to     their shape
     * @param from   the shape that was broadcast to {@code to}
     * @return the sums, of shape {@code from}
     */
    static double[] reduce(double[] values, long[] to, long[] from) {
        if (Arrays.equals(from, to)) {
            return values;
        }
        int[] src = sources(from, to);
        double[] out = new double[(int) size(from)];
        for (int k = 0; k < src.length; k++) {
            out[src[k]] += values[k];
        }
        return out;
    }
}
