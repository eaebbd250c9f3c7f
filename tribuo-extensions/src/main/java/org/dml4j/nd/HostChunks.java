package org.dml4j.nd;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Reads and writes a dense float32 or float64 array's values in place, a chunk at a time, as float32 or float64: for
 * element-wise updates computed in Java over arrays too large to copy whole (an optimizer step over millions of
 * weights).
 * <p>
 * The values go through the array's NIO view in bulk copies; values are widened or rounded to nearest when the
 * chunk's type differs from the array's. On a device backend the host copy is synchronised when the array is opened
 * and marked newest after each write (no-ops on the CPU backend; not yet run on CUDA).
 */
public final class HostChunks {

    private final FloatBuffer floats;
    private final DoubleBuffer doubles;
    private final int length;
    private final INDArray array;
    private float[] narrow = new float[0];

    private HostChunks(INDArray array) {
        if (!HostArrays.isDenseRowMajor(array)) {
            throw new IllegalArgumentException("HostChunks needs a dense row-major array that is not a view, found "
                    + Arrays.toString(array.shape()) + " (order " + array.ordering() + ", view " + array.isView()
                    + "): dup('c') it first");
        }
        if (HostArrays.isOutdated(array)) {
            throw new IllegalStateException("HostChunks was given an array of a workspace pass that has ended (or a"
                    + " closed array): create arrays that outlive a pass with Workspaces.persistent");
        }
        this.length = Math.toIntExact(array.length());
        this.array = array;
        // On a device backend the host copy is brought up to date first (a no-op on the CPU backend).
        Nd4j.getAffinityManager().ensureLocation(array, AffinityManager.Location.HOST);
        if (array.dataType() == DataType.FLOAT) {
            this.floats = array.data().asNioFloat();
            this.doubles = null;
        } else if (array.dataType() == DataType.DOUBLE) {
            this.floats = null;
            this.doubles = array.data().asNioDouble();
        } else {
            throw new IllegalArgumentException("HostChunks reads float32 or float64 arrays, found "
                    + array.dataType());
        }
    }

    /**
     * Opens an array for chunked reading and writing.
     *
     * @param array a dense, row-major float32 or float64 array that is not a view
     * @return its chunked view
     */
    public static HostChunks of(INDArray array) {
        return new HostChunks(array);
    }

    /**
     * Opens an array for chunked reading: the array itself when it is dense, otherwise a dense copy (writes to the
     * copy do not reach {@code array}).
     *
     * @param array a float32 or float64 array
     * @return a chunked view of it or of its copy
     */
    public static HostChunks forReading(INDArray array) {
        return new HostChunks(HostArrays.isDenseRowMajor(array) ? array : array.dup('c'));
    }

    /** @return the number of values */
    public int length() {
        return length;
    }

    /**
     * Copies {@code count} values from {@code offset} (row-major) into {@code target[0..count)}.
     *
     * @param offset the first value's index
     * @param target where the values go, as float64
     * @param count  how many
     */
    public void read(int offset, double[] target, int count) {
        if (doubles != null) {
            doubles.get(offset, target, 0, count);
            return;
        }
        float[] chunk = narrow(count);
        floats.get(offset, chunk, 0, count);
        for (int i = 0; i < count; i++) {
            target[i] = chunk[i];
        }
    }

    /**
     * Overwrites {@code count} values from {@code offset} (row-major) with {@code source[0..count)}.
     *
     * @param offset the first value's index
     * @param source the new values, rounded to float32 for a float32 array
     * @param count  how many
     */
    public void write(int offset, double[] source, int count) {
        if (doubles != null) {
            doubles.put(offset, source, 0, count);
        } else {
            float[] chunk = narrow(count);
            for (int i = 0; i < count; i++) {
                chunk[i] = (float) source[i];
            }
            floats.put(offset, chunk, 0, count);
        }
        hostWritten();
    }

    /**
     * Copies {@code count} values from {@code offset} (row-major) into {@code target[0..count)} as float32 (float64
     * values are rounded to nearest).
     *
     * @param offset the first value's index
     * @param target where the values go
     * @param count  how many
     */
    public void read(int offset, float[] target, int count) {
        if (floats != null) {
            floats.get(offset, target, 0, count);
            return;
        }
        for (int i = 0; i < count; i++) {
            target[i] = (float) doubles.get(offset + i);
        }
    }

    /**
     * Overwrites {@code count} values from {@code offset} (row-major) with the float32 {@code source[0..count)}.
     *
     * @param offset the first value's index
     * @param source the new values
     * @param count  how many
     */
    public void write(int offset, float[] source, int count) {
        if (floats != null) {
            floats.put(offset, source, 0, count);
        } else {
            for (int i = 0; i < count; i++) {
                doubles.put(offset + i, source[i]);
            }
        }
        hostWritten();
    }

    /** Marks the host copy as the newest, so a device backend copies it over before its next op. */
    private void hostWritten() {
        Nd4j.getAffinityManager().tagLocation(array, AffinityManager.Location.HOST);
    }

    /** @return whether the array holds float32 values (otherwise float64) */
    public boolean isFloat32() {
        return floats != null;
    }

    private float[] narrow(int count) {
        if (narrow.length < count) {
            narrow = new float[count];
        }
        return narrow;
    }
}
