package org.dml4j.index;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** Writes and reads a float32 matrix as row-major big-endian floats, one block of rows at a time. */
final class RowPayload {
    private static final int BLOCK = 8192;

    private RowPayload() {
    }

    static void write(DataOutputStream out, INDArray rows) throws IOException {
        for (int start = 0; start < rows.rows(); start += BLOCK) {
            int end = Math.min(rows.rows(), start + BLOCK);
            float[] values = rows.get(NDArrayIndex.interval(start, end), NDArrayIndex.all())
                    .castTo(DataType.FLOAT).dup('c').data().asFloat();
            for (float v : values) {
                out.writeFloat(v);
            }
        }
    }

    static INDArray read(DataInputStream in, int size, int dimension) throws IOException {
        INDArray rows = Nd4j.create(DataType.FLOAT, size, dimension);
        for (int start = 0; start < size; start += BLOCK) {
            int end = Math.min(size, start + BLOCK);
            float[] values = new float[(end - start) * dimension];
            for (int i = 0; i < values.length; i++) {
                values[i] = in.readFloat();
            }
            rows.get(NDArrayIndex.interval(start, end), NDArrayIndex.all())
                    .assign(Nd4j.create(values, new long[]{end - start, dimension}, 'c'));
        }
        return rows;
    }
}
