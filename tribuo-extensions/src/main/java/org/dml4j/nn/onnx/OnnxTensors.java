package org.dml4j.nn.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads ONNX tensors (initializers and {@code Constant} values): float32, float64 and int64, stored in their typed
 * fields or as little-endian {@code raw_data}. External data, other types and a value count that does not match the
 * shape are errors naming the tensor. Writes weights back ({@link #filled}) for a model with the current weights.
 */
final class OnnxTensors {

    private OnnxTensors() {
    }

    /**
     * @param tensor a tensor
     * @return its dimensions
     */
    static long[] shape(OnnxMl.TensorProto tensor) {
        return tensor.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }

    private static int count(OnnxMl.TensorProto tensor) {
        long n = 1;
        for (long d : shape(tensor)) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + tensor.getName() + "' has a negative dimension " + d);
            }
            n = Math.multiplyExact(n, d);
        }
        return Math.toIntExact(n);
    }

    /**
     * Reads a tensor's values as doubles.
     *
     * @param tensor a tensor
     * @return its values in row-major order
     * @throws IllegalArgumentException if the tensor's type or storage is not supported or its data is inconsistent
     */
    static double[] doubles(OnnxMl.TensorProto tensor) {
        int n = count(tensor);
        if (tensor.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
            throw new IllegalArgumentException("tensor '" + tensor.getName() + "' keeps its data in an external "
                    + "file, which DML4J does not read: save the model with its weights inside (onnx.save_model(m, "
                    + "path, save_as_external_data=False))");
        }
        double[] values = new double[n];
        boolean raw = !tensor.getRawData().isEmpty();
        ByteBuffer bytes = tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        int stored;
        switch (tensor.getDataType()) {
            case 1 -> { // FLOAT
                stored = raw ? bytes.remaining() / Float.BYTES : tensor.getFloatDataCount();
                for (int i = 0; i < Math.min(n, stored); i++) {
                    values[i] = raw ? bytes.getFloat(i * Float.BYTES) : tensor.getFloatData(i);
                }
            }
            case 11 -> { // DOUBLE
                stored = raw ? bytes.remaining() / Double.BYTES : tensor.getDoubleDataCount();
                for (int i = 0; i < Math.min(n, stored); i++) {
                    values[i] = raw ? bytes.getDouble(i * Double.BYTES) : tensor.getDoubleData(i);
                }
            }
            case 7 -> { // INT64
                stored = raw ? bytes.remaining() / Long.BYTES : tensor.getInt64DataCount();
                for (int i = 0; i < Math.min(n, stored); i++) {
                    values[i] = raw ? bytes.getLong(i * Long.BYTES) : tensor.getInt64Data(i);
                }
            }
            default -> throw new IllegalArgumentException("tensor '" + tensor.getName() + "' has ONNX data type "
                    + tensor.getDataType() + "; DML4J reads float32 (1), int64 (7) and float64 (11)");
        }
        if (stored != n) {
            throw new IllegalArgumentException("tensor '" + tensor.getName() + "' holds " + stored + " values but its "
                    + "shape " + tensor.getDimsList() + " needs " + n + ": the file is corrupt or truncated");
        }
        return values;
    }

    /**
     * Reads a tensor as an array of the network's type.
     *
     * @param tensor a tensor
     * @param type   the network's type
     * @return a new array
     */
    static INDArray array(OnnxMl.TensorProto tensor, DataType type) {
        double[] values = doubles(tensor);
        long[] shape = shape(tensor);
        INDArray array = Nd4j.createFromArray(values).castTo(type);
        // a dense array of its own, not a reshaped view: optimizers update parameters through their buffers
        return (shape.length == 0 ? array.reshape(1) : array.reshape('c', shape)).dup('c');
    }

    /**
     * A zero-filled array of a tensor's shape (a stored structure's stripped weight).
     *
     * @param tensor a tensor
     * @param type   the network's type
     * @return a new array of zeros
     */
    static INDArray zeros(OnnxMl.TensorProto tensor, DataType type) {
        long[] shape = shape(tensor);
        return Nd4j.zeros(type, shape.length == 0 ? new long[]{1} : shape);
    }

    /**
     * @param tensor a tensor
     * @return the tensor with its shape, type and name but no values
     */
    static OnnxMl.TensorProto stripped(OnnxMl.TensorProto tensor) {
        return tensor.toBuilder().clearRawData().clearFloatData().clearDoubleData().clearInt64Data().build();
    }

    /**
     * A float32 or float64 tensor holding an array's values as little-endian {@code raw_data}, in the tensor's own
     * type and shape (a stripped weight filled back in).
     *
     * @param tensor the tensor whose name, type and shape are kept
     * @param values as many values as its shape holds, in row-major order
     * @return the filled tensor
     * @throws IllegalArgumentException if the tensor is not float32 or float64 or the count differs
     */
    static OnnxMl.TensorProto filled(OnnxMl.TensorProto tensor, INDArray values) {
        int n = count(tensor);
        if (values.length() != n) {
            throw new IllegalArgumentException("tensor '" + tensor.getName() + "' needs " + n + " values, found "
                    + values.length());
        }
        boolean single = tensor.getDataType() == 1;
        if (!single && tensor.getDataType() != 11) {
            throw new IllegalArgumentException("tensor '" + tensor.getName() + "' has ONNX data type "
                    + tensor.getDataType() + "; only float32 (1) and float64 (11) weights are written");
        }
        double[] data = values.dup('c').castTo(DataType.DOUBLE).data().asDouble();
        ByteBuffer bytes = ByteBuffer.allocate(n * (single ? Float.BYTES : Double.BYTES))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (double v : data) {
            if (single) {
                bytes.putFloat((float) v);
            } else {
                bytes.putDouble(v);
            }
        }
        return stripped(tensor).toBuilder().setRawData(ByteString.copyFrom(bytes.array()))
                .build();
    }
}
