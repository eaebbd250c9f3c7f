package org.dml4j.sampling;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CrossBatchMemoryTest {

    /** Rows whose two columns both hold the given values, so rows are easy to recognise. */
    private static INDArray rows(float... values) {
        float[][] data = new float[values.length][];
        for (int i = 0; i < values.length; i++) {
            data[i] = new float[]{values[i], -values[i]};
        }
        return Nd4j.create(data);
    }

    private static float[] firstColumn(INDArray a) {
        return a.getColumn(0).toFloatVector();
    }

    @Test
    void keepsTheMostRecentRowsOldestFirst() {
        CrossBatchMemory memory = new CrossBatchMemory(5);
        assertNull(memory.embeddings());
        memory.enqueue(rows(1, 2, 3), new int[]{10, 20, 30});
        assertArrayEquals(new float[]{1, 2, 3}, firstColumn(memory.embeddings()));
        memory.enqueue(rows(4, 5, 6), new int[]{40, 50, 60});
        assertEquals(5, memory.size());
        assertArrayEquals(new float[]{2, 3, 4, 5, 6}, firstColumn(memory.embeddings()));
        assertArrayEquals(new int[]{20, 30, 40, 50, 60}, memory.labels());
        assertArrayEquals(new float[]{-2, -3, -4, -5, -6}, memory.embeddings().getColumn(1).toFloatVector());
    }

    @Test
    void batchLargerThanMemoryKeepsItsTail() {
        CrossBatchMemory memory = new CrossBatchMemory(3);
        memory.enqueue(rows(9), new int[]{9});
        memory.enqueue(rows(1, 2, 3, 4, 5), new int[]{1, 2, 3, 4, 5});
        assertArrayEquals(new float[]{3, 4, 5}, firstColumn(memory.embeddings()));
        assertArrayEquals(new int[]{3, 4, 5}, memory.labels());
    }

    @Test
    void storesCopiesNotViews() {
        CrossBatchMemory memory = new CrossBatchMemory(4);
        INDArray batch = rows(1, 2);
        memory.enqueue(batch, new int[]{0, 1});
        batch.muli(100);
        assertArrayEquals(new float[]{1, 2}, firstColumn(memory.embeddings()));
        assertEquals(DataType.FLOAT, memory.embeddings().dataType());
    }

    @Test
    void rejectsMismatchedShapesAndClearForgets() {
        CrossBatchMemory memory = new CrossBatchMemory(4);
        memory.enqueue(rows(1), new int[]{0});
        assertThrows(IllegalArgumentException.class, () -> memory.enqueue(rows(1, 2), new int[]{0}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> memory.enqueue(Nd4j.zeros(DataType.FLOAT, 1, 3), new int[]{0}));
        assertEquals("the memory holds 2-dimensional embeddings, found 3; call clear() before changing the "
                + "embedding size", e.getMessage());
        memory.clear();
        assertEquals(0, memory.size());
        memory.enqueue(Nd4j.zeros(DataType.FLOAT, 1, 3), new int[]{0});
        assertEquals(3, memory.embeddings().columns());
    }

    @Test
    void validatesItsSize() {
        PropertyException e = assertThrows(PropertyException.class, () -> new CrossBatchMemory(0));
        assertEquals(true, e.getMessage().contains("memorySize must be >= 1, found 0"));
        assertEquals("CrossBatchMemory(memorySize=4, size=0)", new CrossBatchMemory(4).toString());
    }
}
