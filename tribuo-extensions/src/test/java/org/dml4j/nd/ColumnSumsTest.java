package org.dml4j.nd;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ColumnSumsTest {

    @Test
    void sumsEachColumnInTheMatrixType() {
        INDArray matrix = Nd4j.create(new double[][]{{1, 2, 3}, {4, 5, 6}, {-0.5, 0.25, 10}});
        for (DataType type : new DataType[]{DataType.DOUBLE, DataType.FLOAT}) {
            INDArray sums = ColumnSums.of(matrix.castTo(type));
            assertEquals(type, sums.dataType());
            assertArrayEquals(new long[]{3}, sums.shape());
            assertArrayEquals(new double[]{4.5, 7.25, 19}, sums.toDoubleVector(), 0.0);
        }
    }

    @Test
    void aBatchGradientSumsLikeFloat64() {
        INDArray gradient = Nd4j.randn(DataType.FLOAT, 256, 512);
        INDArray exact = gradient.castTo(DataType.DOUBLE).sum(0);
        double error = ColumnSums.of(gradient).castTo(DataType.DOUBLE).sub(exact).amaxNumber().doubleValue();
        assertTrue(error < 1e-4, "largest error " + error);
    }

    @Test
    void noRowsSumToZeroAndOtherRanksAreRejected() {
        assertArrayEquals(new float[]{0, 0}, ColumnSums.of(Nd4j.create(DataType.FLOAT, 0, 2)).toFloatVector());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ColumnSums.of(Nd4j.ones(DataType.FLOAT, 2, 2, 2)));
        assertTrue(e.getMessage().contains("found rank 3"), e.getMessage());
    }
}
