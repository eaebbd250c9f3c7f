package org.dml4j.nd;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Bulk copies between Java arrays and ND4J arrays.
 * <p>
 * ND4J 1.0.0-M2.1's {@code Nd4j.create(double[], shape, type)} and {@code DataBuffer.asDouble()} copy element by
 * element through a bounds-checked indexer, which costs milliseconds per 256 × 256 matrix in a training step; these
 * go through the buffer's NIO view in one bulk copy. The values are the same, bit for bit. On a device backend the
 * host copy is synchronised before reading and marked newest after writing (no-ops on the CPU backend).
 */
public final class HostArrays {

    private HostArrays() {
    }

    /**
     * Creates a float64 array in row-major order holding {@code values}.
     *
     * @param values the values, row-major; not kept
     * @param shape  the shape, whose product must be {@code values.length}
     * @return a new float64 array
     */
    public static INDArray float64(double[] values, long... shape) {
        return create(values, DataType.DOUBLE, shape);
    }

    /**
     * Creates an array of a floating-point type in row-major order holding {@code values}, each rounded to nearest
     * once when the type is narrower than float64.
     *
     * @param values the values, row-major; not kept
     * @param type   the array's type (float32 and float64 are copied in bulk; other types are cast from float64)
     * @param shape  the shape, whose product must be {@code values.length}
     * @return a new array
     */
    public static INDArray create(double[] values, DataType type, long... shape) {
        long length = 1;
        for (long s : shape) {
            length *= s;
        }
        if (length != values.length) {
            throw new IllegalArgumentException("shape holds " + length + " values but " + values.length
                    + " were given");
        }
        if (type != DataType.DOUBLE && type != DataType.FLOAT) {
            return create(values, DataType.DOUBLE, shape).castTo(type);
        }
        INDArray out = Nd4j.create(type, shape, 'c');
        if (values.length == 0) {
            return out;
        }
        if (type == DataType.DOUBLE) {
            out.data().asNioDouble().put(values);
        } else {
            float[] narrow = new float[values.length];
            for (int i = 0; i < narrow.length; i++) {
                narrow[i] = (float) values[i];
            }
            out.data().asNioFloat().put(narrow);
        }
        Nd4j.getAffinityManager().tagLocation(out, AffinityManager.Location.HOST);
        return out;
    }

    /**
     * Copies an array's values as float64 in row-major order.
     *
     * @param array any array (views and other types are copied or cast first)
     * @return a new Java array of {@code array.length()} values
     */
    public static double[] doubles(INDArray array) {
        boolean bulk = array.dataType() == DataType.DOUBLE || array.dataType() == DataType.FLOAT;
        INDArray dense = bulk ? array : array.castTo(DataType.DOUBLE);
        if (!isDenseRowMajor(dense)) {
            dense = dense.dup('c');
        }
        double[] out = new double[Math.toIntExact(dense.length())];
        if (out.length == 0) {
            return out;
        }
        Nd4j.getAffinityManager().ensureLocation(dense, AffinityManager.Location.HOST);
        if (dense.dataType() == DataType.DOUBLE) {
            dense.data().asNioDouble().get(out);
        } else {
            float[] narrow = new float[out.length];
            dense.data().asNioFloat().get(narrow);
            for (int i = 0; i < out.length; i++) {
                out[i] = narrow[i];
            }
        }
        return out;
    }

    /**
     * Whether an array's buffer holds exactly its values in row-major order (not a view, 'c' order, no extra
     * elements), so that the buffer can be read or written as the array.
     *
     * @param array any array
     * @return whether its buffer is its values, row-major
     */
    static boolean isDenseRowMajor(INDArray array) {
        return !array.isView() && array.ordering() == 'c' && array.data().length() == array.length();
    }

    /**
     * Whether an array's memory may have been reused: it was closed, or it belongs to a workspace pass that has ended
     * (ND4J checks the latter before most of its ops run on an array; access through the buffer has to ask).
     *
     * @param array any array
     * @return whether its buffer may no longer hold its values
     */
    public static boolean isOutdated(INDArray array) {
        if (array.wasClosed()) {
            return true;
        }
        if (!array.isAttached()) {
            return false;
        }
        MemoryWorkspace workspace = array.data().getParentWorkspace();
        return !workspace.isScopeActive() || workspace.getGenerationId() != array.data().getGenerationId();
    }
}
