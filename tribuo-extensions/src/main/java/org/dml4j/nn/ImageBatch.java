package org.dml4j.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * The layout in which the image layers ({@link Conv2d}, {@link BatchNorm2d}, {@link MaxPool2d}, {@link ResidualBlock},
 * {@link GlobalAvgPool2d}) pass batches to each other: channel-major {@code [C, N, H, W]} ("CNHW", c order). In it a
 * convolution over the whole batch is one matrix product {@code [out, in·k·k] × [in·k·k, N·H·W]} whose result is
 * already the next layer's input, and the values of one channel (what batch normalization averages) are one
 * contiguous row of {@code [C, N·H·W]}, so no layer permutes its input or output. {@link Unflatten} turns rows of
 * {@code C·H·W} features (PyTorch's NCHW order) into this layout, {@link Flatten} and {@link GlobalAvgPool2d} turn it
 * back into rows.
 * <p>
 * The layers' Java loops work on host copies of float32 or float64 arrays, as {@code float[]} or {@code double[]}
 * (passed as {@code Object}); the copies are bulk copies through the arrays' NIO views.
 */
final class ImageBatch {

    /** Below this many values a loop over channels runs on the calling thread alone. */
    private static final long PARALLEL_VALUES = 1 << 16;

    private ImageBatch() {
    }

    /**
     * Checks that an array is a CNHW batch.
     *
     * @param input    the array
     * @param channels the expected channel count
     * @param layer    the layer's name, for the message
     */
    static void check(INDArray input, long channels, String layer) {
        if (input.rank() != 4 || input.size(0) != channels) {
            throw new IllegalArgumentException(layer + " expects a [channels=" + channels + ", batch, height, width] "
                    + "image batch (put an Unflatten first), found " + Arrays.toString(input.shape()));
        }
    }

    /**
     * Copies an array's values, row-major, into a host array of its type.
     *
     * @param array a float32 or float64 array
     * @param reuse a host array to fill if it has the right type and is long enough, or null
     * @return {@code reuse} (its first {@code array.length()} values overwritten) or a new {@code float[]} /
     * {@code double[]} of {@code array.length()} values
     */
    static Object read(INDArray array, Object reuse) {
        INDArray dense = array.isView() || array.ordering() != 'c' || array.data().length() != array.length()
                ? array.dup('c') : array;
        int length = Math.toIntExact(dense.length());
        if (dense.dataType() == DataType.FLOAT) {
            float[] out = reuse instanceof float[] f && f.length >= length ? f : new float[length];
            dense.data().asNioFloat().get(0, out, 0, length);
            return out;
        }
        if (dense.dataType() == DataType.DOUBLE) {
            double[] out = reuse instanceof double[] d && d.length >= length ? d : new double[length];
            dense.data().asNioDouble().get(0, out, 0, length);
            return out;
        }
        throw new IllegalArgumentException("the image layers compute in float32 or float64, found "
                + dense.dataType());
    }

    /**
     * Creates an array (in the current workspace, if any) holding the first values of a host array.
     *
     * @param values a {@code float[]} or {@code double[]} with at least as many values as the shape holds
     * @param shape  the shape
     * @return a new c-ordered array of the host array's type
     */
    static INDArray write(Object values, long... shape) {
        int length = Math.toIntExact(Arrays.stream(shape).reduce(1, (a, b) -> a * b));
        if (values instanceof float[] f) {
            INDArray out = Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
            FloatBuffer buffer = out.data().asNioFloat();
            buffer.put(0, f, 0, length);
            return out;
        }
        INDArray out = Nd4j.createUninitialized(DataType.DOUBLE, shape, 'c');
        DoubleBuffer buffer = out.data().asNioDouble();
        buffer.put(0, (double[]) values, 0, length);
        return out;
    }

    /**
     * A new zeroed host array of the same type as another.
     *
     * @param like   a {@code float[]} or {@code double[]}
     * @param length the new array's length
     * @param reuse  an array to zero and return if it has the right type and length, or null
     * @return the zeroed array
     */
    static Object zeros(Object like, int length, Object reuse) {
        if (like instanceof float[]) {
            if (reuse instanceof float[] f && f.length == length) {
                Arrays.fill(f, 0f);
                return f;
            }
            return new float[length];
        }
        if (reuse instanceof double[] d && d.length == length) {
            Arrays.fill(d, 0d);
            return d;
        }
        return new double[length];
    }

    /**
     * A host array of the same type as another, with at least {@code length} values (not zeroed).
     *
     * @param like   a {@code float[]} or {@code double[]}
     * @param length the values needed
     * @param reuse  an array to return if it has the right type and is long enough, or null
     * @return {@code reuse} or a new array of {@code length} values
     */
    static Object scratch(Object like, int length, Object reuse) {
        if (like instanceof float[]) {
            return reuse instanceof float[] f && f.length >= length ? f : new float[length];
        }
        return reuse instanceof double[] d && d.length >= length ? d : new double[length];
    }

    /**
     * Copies the columns {@code [from, from + count)} of a row-major {@code rows × width} host matrix into another
     * host matrix's columns {@code [to, to + count)}: a run of images between a CNHW batch and one chunk of it.
     *
     * @param source      the source matrix
     * @param sourceWidth its row length
     * @param from        the first source column
     * @param target      the target matrix (same type)
     * @param targetWidth its row length
     * @param to          the first target column
     * @param rows        the number of rows
     * @param count       the columns to copy
     */
    static void copyColumns(Object source, int sourceWidth, int from, Object target, int targetWidth, int to,
                            int rows, int count) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(source, r * sourceWidth + from, target, r * targetWidth + to, count);
        }
    }

    /**
     * Runs a per-channel loop body for every channel, in parallel (the common fork-join pool and the calling thread)
     * when the channels hold enough values to be worth it.
     *
     * @param channels the channel count
     * @param values   the values per channel
     * @param body     the loop body, given the channel
     */
    static void forChannels(int channels, long values, IntConsumer body) {
        IntStream range = IntStream.range(0, channels);
        (channels > 1 && (long) channels * values >= PARALLEL_VALUES ? range.parallel() : range).forEach(body);
    }

    /**
     * Swaps the first two of three dimensions, {@code [a, b, inner] → [b, a, inner]}, moving blocks of
     * {@code inner} values: NCHW to CNHW and back.
     *
     * @param values the {@code float[]} or {@code double[]} values
     * @param a      the first dimension
     * @param b      the second dimension
     * @param inner  the contiguous block length
     * @return a new host array of the same type
     */
    static Object swapOuter(Object values, int a, int b, int inner) {
        Object out = zeros(values, a * b * inner, null);
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < b; j++) {
                System.arraycopy(values, (i * b + j) * inner, out, (j * a + i) * inner, inner);
            }
        }
        return out;
    }

    /**
     * {@link #swapOuter} on an array: {@code [a, b, inner...]} to {@code [b, a, inner...]} with the given result
     * shape.
     *
     * @param array  the array
     * @param a      its first dimension
     * @param b      its second dimension
     * @param result the result's shape
     * @return a new array
     */
    static INDArray swapOuter(INDArray array, long a, long b, long... result) {
        if (a == 1 || b == 1) {
            return array.reshape('c', result);
        }
        int inner = Math.toIntExact(array.length() / (a * b));
        return write(swapOuter(read(array, null), (int) a, (int) b, inner), result);
    }
}
