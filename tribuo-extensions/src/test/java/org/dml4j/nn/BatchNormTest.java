package org.dml4j.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.nd4j.linalg.indexing.NDArrayIndex.point;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BatchNormTest {

    // Column 0: 1, 2, 3, 6 (mean 3, biased var 3.5, unbiased 14/3); column 1: 0, 0, 4, 4 (mean 2, var 4, 16/3).
    private static final INDArray X = Nd4j.create(new double[]{1, 0, 2, 0, 3, 4, 6, 4}, new long[]{4, 2},
            DataType.DOUBLE);

    @Test
    void trainingNormalizesWithBatchStatisticsAndUpdatesRunningAverages() {
        BatchNorm1d bn = new BatchNorm1d(2, DataType.DOUBLE);
        INDArray y = bn.forward(X, true);
        assertEquals((1 - 3) / Math.sqrt(3.5 + 1e-5), y.getDouble(0, 0), 1e-12);
        assertEquals((4 - 2) / Math.sqrt(4 + 1e-5), y.getDouble(3, 1), 1e-12);
        // PyTorch: running = 0.9 running + 0.1 batch, with the unbiased variance.
        assertArrayEquals(new double[]{0.3, 0.2}, bn.buffers().get("running_mean").toDoubleVector(), 1e-12);
        assertArrayEquals(new double[]{0.9 + 0.1 * 14 / 3.0, 0.9 + 0.1 * 16 / 3.0},
                bn.buffers().get("running_var").toDoubleVector(), 1e-12);
        bn.forward(X, true);
        assertArrayEquals(new double[]{0.9 * 0.3 + 0.3, 0.9 * 0.2 + 0.2},
                bn.buffers().get("running_mean").toDoubleVector(), 1e-12);
    }

    @Test
    void inferenceUsesRunningAveragesAndLeavesThem() {
        BatchNorm1d bn = new BatchNorm1d(2, DataType.DOUBLE);
        bn.forward(X, true);
        INDArray mean = bn.buffers().get("running_mean").dup();
        INDArray y = bn.forward(X, false);
        double expected = (1 - 0.3) / Math.sqrt(0.9 + 0.1 * 14 / 3.0 + 1e-5);
        assertEquals(expected, y.getDouble(0, 0), 1e-12);
        assertEquals(mean, bn.buffers().get("running_mean"));
    }

    @Test
    void batchNorm2dAveragesOverBatchAndPixels() {
        BatchNorm2d bn = new BatchNorm2d(2, DataType.DOUBLE);
        INDArray x = GradientCheck.normal(3, 2, 3, 4, 4); // CNHW: channel 1 is x[1]
        INDArray y = bn.forward(x, true);
        double channelMean = x.get(point(1)).meanNumber().doubleValue();
        assertEquals(0.1 * channelMean, bn.buffers().get("running_mean").getDouble(1), 1e-12);
        assertEquals(0.0, y.get(point(1)).meanNumber().doubleValue(), 1e-12);
    }

    @Test
    void copyIsIndependent() {
        BatchNorm1d bn = new BatchNorm1d(2, DataType.DOUBLE);
        Layer copy = bn.copy();
        bn.forward(X, true);
        assertArrayEquals(new double[]{0, 0}, copy.buffers().get("running_mean").toDoubleVector());
    }

    @Test
    void trainingNeedsMoreThanOneRow() {
        BatchNorm1d bn = new BatchNorm1d(2, DataType.DOUBLE);
        assertThrows(IllegalArgumentException.class, () -> bn.forward(X.getRows(0), true));
    }
}
