package org.dml4j.model;

import org.dml4j.model.protos.NamedTensorProto;
import org.dml4j.model.protos.TensorProto;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Converts between INDArrays and float32 tensor protos, validating shapes when reading. */
public final class Tensors {

    private Tensors() {
    }

    /**
     * Writes an array as a float32 tensor.
     *
     * @param array the array
     * @return the proto
     */
    public static TensorProto toProto(INDArray array) {
        TensorProto.Builder b = TensorProto.newBuilder();
        for (long d : array.shape()) {
            b.addShape(d);
        }
        for (float v : array.castTo(DataType.FLOAT).dup('c').data().asFloat()) {
            b.addValues(v);
        }
        return b.build();
    }

    /**
     * Reads a float32 tensor.
     *
     * @param proto the proto
     * @param what  what it is, for the error message
     * @return the array
     * @throws IllegalArgumentException if the values do not fill the shape
     */
    public static INDArray fromProto(TensorProto proto, String what) {
        long[] shape = proto.getShapeList().stream().mapToLong(Long::longValue).toArray();
        long size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        if (shape.length == 0 || size != proto.getValuesCount()) {
            throw new IllegalArgumentException("corrupt model data: " + what + " has shape " + Arrays.toString(shape)
                    + " but " + proto.getValuesCount() + " values");
        }
        float[] values = new float[proto.getValuesCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = proto.getValues(i);
        }
        return Nd4j.create(values, shape, 'c');
    }

    /**
     * Writes named arrays.
     *
     * @param arrays the arrays by name
     * @return the protos, in the map's order
     */
    public static List<NamedTensorProto> toProtos(Map<String, INDArray> arrays) {
        List<NamedTensorProto> out = new ArrayList<>();
        arrays.forEach((name, a) -> out.add(NamedTensorProto.newBuilder().setName(name).setTensor(toProto(a)).build()));
        return out;
    }

    /**
     * Reads named arrays.
     *
     * @param protos the protos
     * @return the arrays by name, in order
     */
    public static Map<String, INDArray> fromProtos(List<NamedTensorProto> protos) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (NamedTensorProto p : protos) {
            out.put(p.getName(), fromProto(p.getTensor(), p.getName()));
        }
        return out;
    }

    /**
     * Copies stored values into live arrays of the same names and shapes.
     *
     * @param target the live arrays (e.g. a freshly built network's parameters)
     * @param stored the stored values
     * @param what   what they are, for error messages
     * @throws IllegalArgumentException if a name is missing or a shape differs
     */
    public static void assignAll(Map<String, INDArray> target, Map<String, INDArray> stored, String what) {
        if (!target.keySet().equals(stored.keySet())) {
            throw new IllegalArgumentException(what + " do not match the architecture: expected " + target.keySet()
                    + ", found " + stored.keySet());
        }
        for (Map.Entry<String, INDArray> e : target.entrySet()) {
            INDArray value = stored.get(e.getKey());
            if (!Arrays.equals(e.getValue().shape(), value.shape())) {
                throw new IllegalArgumentException(what + " " + e.getKey() + " has shape "
                        + Arrays.toString(value.shape()) + ", the architecture needs "
                        + Arrays.toString(e.getValue().shape()));
            }
            e.getValue().assign(value.castTo(e.getValue().dataType()));
        }
    }
}
