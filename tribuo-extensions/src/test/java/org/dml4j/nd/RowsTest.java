package org.dml4j.nd;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RowsTest {

    private static final INDArray MATRIX = Nd4j.arange(20).castTo(DataType.FLOAT).reshape(5, 4);

    @Test
    void gathersTheRowsInTheGivenOrderWithRepeats() {
        INDArray out = Rows.gather(MATRIX, 4, 0, 4, 2);
        assertEquals(MATRIX.getRows(4, 0, 4, 2), out);
        assertEquals(DataType.FLOAT, out.dataType());
        assertEquals('c', out.ordering());
        assertArrayEquals(new float[]{16, 17, 18, 19}, out.getRow(0).toFloatVector());
    }

    @Test
    void theHostCopyOfADenseMatrixEqualsNd4jsPullRowsForEveryType() {
        int[] rows = {6, 0, 6, 3, 1};
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE, DataType.INT, DataType.HALF,
                DataType.BYTE}) {
            INDArray dense = Nd4j.arange(7 * 13).reshape(7, 13).castTo(type);
            INDArray out = Rows.gather(dense, rows);
            assertEquals(Nd4j.pullRows(dense, 1, rows, 'c'), out, type.toString());
            assertEquals(type, out.dataType());
            assertArrayEquals(new long[]{5, 13}, out.shape());
        }
    }

    @Test
    void aClosedMatrixOrOneOfAnEndedPassIsRejectedNotRead() {
        INDArray closed = Nd4j.create(DataType.FLOAT, 3, 4);
        closed.close();
        assertTrue(closed.wasClosed());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Rows.gather(closed, 0, 2));
        assertTrue(e.getMessage().contains("Workspaces.persistent"), e.getMessage());
        INDArray ended;
        try (MemoryWorkspace ignored = Workspaces.pass("rows-test")) {
            ended = Nd4j.create(DataType.FLOAT, 3, 4);
        }
        assertThrows(IllegalStateException.class, () -> Rows.gather(ended, 1));
    }

    @Test
    void gathersFromAMatrixInAWorkspace() {
        try (MemoryWorkspace ignored = Workspaces.pass("rows-test")) {
            INDArray attached = Nd4j.arange(12).castTo(DataType.DOUBLE).reshape(3, 4);
            assertEquals(Nd4j.create(new double[][]{{8, 9, 10, 11}, {0, 1, 2, 3}}), Rows.gather(attached, 2, 0));
        }
    }

    @Test
    void gathersFromAView() {
        INDArray columns = MATRIX.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 3));
        assertEquals(Nd4j.create(new float[][]{{13, 14}, {5, 6}}), Rows.gather(columns, 3, 1));
    }

    @Test
    void noRowsGiveAnEmptyMatrixAndBadIndicesAClearError() {
        assertArrayEquals(new long[]{0, 4}, Rows.gather(MATRIX).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rows.gather(MATRIX, 5));
        assertTrue(e.getMessage().contains("row 5 is out of range for a matrix of 5 rows"), e.getMessage());
    }
}
