package org.dml4j.nd;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostChunksTest {

    @Test
    void readsAndWritesFloat64InPlaceAtAnOffset() {
        INDArray a = Nd4j.create(new double[]{1, 2, 3, 4, 5, 6}, new long[]{2, 3}, DataType.DOUBLE);
        HostChunks chunks = HostChunks.of(a);
        assertEquals(6, chunks.length());
        double[] chunk = new double[4];
        chunks.read(2, chunk, 3);
        assertArrayEquals(new double[]{3, 4, 5, 0}, chunk);
        chunks.write(4, new double[]{-1.0 / 3, 1e-300}, 2);
        assertArrayEquals(new double[]{1, 2, 3, 4, -1.0 / 3, 1e-300}, a.reshape(6).toDoubleVector(), 0.0);
    }

    @Test
    void float32IsWidenedOnReadingAndRoundedToNearestOnWriting() {
        INDArray a = Nd4j.create(new float[]{0.1f, 0.2f, 0.3f}, new long[]{3}, DataType.FLOAT);
        HostChunks chunks = HostChunks.of(a);
        double[] chunk = new double[3];
        chunks.read(0, chunk, 3);
        assertEquals((double) 0.2f, chunk[1], 0.0);
        chunks.write(1, new double[]{1.0 / 3, Math.PI}, 2);
        assertEquals(DataType.FLOAT, a.dataType());
        assertArrayEquals(new float[]{0.1f, (float) (1.0 / 3), (float) Math.PI}, a.toFloatVector(), 0f);
    }

    @Test
    void viewsAreRejectedForWritingAndCopiedForReading() {
        INDArray matrix = Nd4j.create(new double[]{1, 2, 3, 4, 5, 6}, new long[]{3, 2}, DataType.DOUBLE);
        INDArray column = matrix.getColumn(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostChunks.of(column));
        assertTrue(e.getMessage().contains("dup('c')"), e.getMessage());
        double[] chunk = new double[3];
        HostChunks.forReading(column).read(0, chunk, 3);
        assertArrayEquals(new double[]{2, 4, 6}, chunk);
        assertThrows(IllegalArgumentException.class, () -> HostChunks.of(Nd4j.zeros(DataType.INT, 3)));
    }

    @Test
    void arraysOfAnEndedWorkspacePassAreRefused() {
        INDArray stale;
        try (MemoryWorkspace ignored = Workspaces.pass("HOST_CHUNKS_TEST")) {
            stale = Nd4j.create(DataType.FLOAT, 4);
            assertEquals(4, HostChunks.of(stale).length());
        }
        try (MemoryWorkspace ignored = Workspaces.pass("HOST_CHUNKS_TEST")) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> HostChunks.of(stale));
            assertTrue(e.getMessage().contains("Workspaces.persistent"), e.getMessage());
            INDArray kept = Workspaces.persistent(() -> Nd4j.create(DataType.FLOAT, 4));
            assertEquals(4, HostChunks.of(kept).length());
        }
    }
}
