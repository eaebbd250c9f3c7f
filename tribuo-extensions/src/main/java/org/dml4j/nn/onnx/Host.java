package org.dml4j.nn.onnx;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Host copies for the import's Java loops, which compute in double precision whatever the network's type.
 */
final class Host {

    private Host() {
    }

    /**
     * @param array any array
     * @return its values in row-major order, as a new array
     */
    static double[] values(INDArray array) {
        return array.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }

    /**
     * @param values row-major values
     * @param type   the array's type
     * @param shape  the shape
     * @return a new array holding the values
     */
    static INDArray array(double[] values, DataType type, long... shape) {
        return Nd4j.createFromArray(values).reshape('c', shape).castTo(type);
    }
}
