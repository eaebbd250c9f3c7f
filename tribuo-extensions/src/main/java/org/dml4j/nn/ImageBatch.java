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

    /** A shared host buffer: the staging of a layer's output or gradient (see {@link #shared}). */
    static final int STAGING = 0;
    /** A second shared staging buffer, for a layer that needs two at once. */
    static final int SECOND = 1;
    /** The shared host buffer of an inference-only convolution's input. */
    static final int INPUT = 2;
    /** The shared host buffer in which a layer accumulates its input gradient. */
    static final int GRADIENT = 3;

    /** Per thread, the host buffers of values that live only during one layer call, shared by all image layers. */
    private static final ThreadLocal<Object[]> SHARED = ThreadLocal.withInitial(() -> new Object[GRADIENT + 1]);

    /** Below this many values a loop over channels runs on the calling thread alone. */
    private static final long PARALLEL_VALUES = 1 << 16;

    /** The fewest values per part of a parallel bulk copy ({@link #inParts}). */
    private static final int PARALLEL_COPY_VALUES = 1 << 18;

    /** The most parts of a parallel bulk copy. */
    private static final int PARALLEL_COPY_PARTS = 8;

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
        INDArray dense = dense(array);
        int length = Math.toIntExact(dense.length());
        if (dense.dataType() == DataType.FLOAT) {
            float[] out = reuse instanceof float[] f && f.length >= length ? f : new float[length];
            FloatBuffer buffer = dense.data().asNioFloat();
            inParts(length, (from, count) -> buffer.get(from, out, from, count));
            return out;
        }
        if (dense.dataType() == DataType.DOUBLE) {
            double[] out = reuse instanceof double[] d && d.length >= length ? d : new double[length];
            DoubleBuffer buffer = dense.data().asNioDouble();
            inParts(length, (from, count) -> buffer.get(from, out, from, count));
            return out;
        }
        throw new IllegalArgumentException("the image layers compute in float32 or float64, found "
                + dense.dataType());
    }

    /**
     * The array itself when its buffer holds exactly its values in c order (index 0 of the buffer's NIO view is its
     * first value), else a c-ordered copy.
     *
     * @param array an array
     * @return the array or its copy
     */
    static INDArray dense(INDArray array) {
        return array.isView() || array.ordering() != 'c' || array.data().length() != array.length()
                ? array.dup('c') : array;
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
            inParts(length, (from, count) -> buffer.put(from, f, from, count));
            return out;
        }
        INDArray out = Nd4j.createUninitialized(DataType.DOUBLE, shape, 'c');
        DoubleBuffer buffer = out.data().asNioDouble();
        double[] d = (double[]) values;
        inParts(length, (from, count) -> buffer.put(from, d, from, count));
        return out;
    }

    /** A copy (or fill) of the values {@code [from, from + count)} of a host array. */
    @FunctionalInterface
    interface Part {
        void copy(int from, int count);
    }

    /**
     * Runs a bulk copy (or fill) of {@code length} values in parts, in parallel (the common fork-join pool and the
     * calling thread) when it is long enough to be worth it; the parts are disjoint, and the NIO buffers' absolute
     * bulk copies do not move their positions, so they may run at once.
     *
     * @param length the values to copy
     * @param part   copies one part
     */
    static void inParts(int length, Part part) {
        int parts = Math.min(PARALLEL_COPY_PARTS, Math.max(1, length / PARALLEL_COPY_VALUES));
        int size = (length + parts - 1) / parts;
        IntStream range = IntStream.range(0, parts);
        (parts > 1 ? range.parallel() : range).forEach(p -> part.copy(p * size, Math.min(size, length - p * size)));
    }

    /**
     * Zeroes the first {@code length} values of a host array of the same type as another, or creates one.
     *
     * @param like   a {@code float[]} or {@code double[]}
     * @param length the values needed
     * @param reuse  an array to zero and return if it has the right type and is long enough, or null
     * @return the array, its first {@code length} values 0
     */
    static Object zeros(Object like, int length, Object reuse) {
        Object out = scratch(like, length, reuse);
        if (out instanceof float[] f) {
            inParts(length, (from, count) -> Arrays.fill(f, from, from + count, 0f));
        } else {
            double[] d = (double[]) out;
            inParts(length, (from, count) -> Arrays.fill(d, from, from + count, 0d));
        }
        return out;
    }

    /**
     * One of the calling thread's shared host buffers, grown to the type and size asked for: for values that do not
     * outlive the layer call using them (the layers of a network run one at a time on a thread, so one set of
     * buffers, as large as the largest use, serves them all instead of one set per layer). Its contents are
     * whatever the last use left.
     *
     * @param slot   {@link #STAGING}, {@link #SECOND}, {@link #INPUT} or {@link #GRADIENT}
     * @param like   a {@code float[]} or {@code double[]} of the type needed
     * @param length the values needed
     * @return the buffer, at least {@code length} long
     */
    static Object shared(int slot, Object like, int length) {
        Object[] slots = SHARED.get();
        slots[slot] = scratch(like, length, slots[slot]);
        return slots[slot];
    }

    /**
     * Copies an array's values into one of the calling thread's shared host buffers ({@link #shared}).
     *
     * @param array a float32 or float64 array
     * @param slot  the buffer
     * @return the buffer, its first {@code array.length()} values the array's
     */
    static Object readShared(INDArray array, int slot) {
        Object[] slots = SHARED.get();
        slots[slot] = read(array, slots[slot]);
        return slots[slot];
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
     * @return the calling thread's {@link #SECOND} shared buffer, holding the result
     */
    static Object swapOuter(Object values, int a, int b, int inner) {
        Object out = shared(SECOND, values, a * b * inner);
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
        return write(swapOuter(readShared(array, STAGING), (int) a, (int) b, inner), result);
    }
}
