package org.dml4j.nd;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostArraysTest {

    private static final double[] VALUES = {1.5, -2.25, 3e-300, Double.MAX_VALUE, -0.0, Math.PI};

    @Test
    void float64HoldsTheValuesRowMajorBitForBit() {
        INDArray a = HostArrays.float64(VALUES, 2, 3);
        assertEquals(DataType.DOUBLE, a.dataType());
        assertArrayEquals(new long[]{2, 3}, a.shape());
        assertEquals('c', a.ordering());
        assertEquals(Math.PI, a.getDouble(1, 2));
        assertEquals(-2.25, a.getDouble(0, 1));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(a.getDouble(1, 1)));
        assertTrue(a.equals(Nd4j.create(VALUES, new long[]{2, 3}, DataType.DOUBLE)));
    }

    @Test
    void float64RejectsAShapeOfAnotherSize() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HostArrays.float64(VALUES, 4, 2));
        assertTrue(e.getMessage().contains("8 values but 6"), e.getMessage());
    }

    @Test
    void doublesReadsRowMajorFromAnyLayoutAndType() {
        INDArray a = HostArrays.float64(VALUES, 2, 3);
        assertArrayEquals(VALUES, HostArrays.doubles(a));
        // A transposed view reads in its own row-major order.
        assertArrayEquals(new double[]{1.5, Double.MAX_VALUE, -2.25, -0.0, 3e-300, Math.PI},
                HostArrays.doubles(a.transpose()));
        // A column slice is a view with an offset.
        assertArrayEquals(new double[]{-2.25, -0.0},
                HostArrays.doubles(a.get(NDArrayIndex.all(), NDArrayIndex.point(1))));
        // Float32 input is widened exactly.
        INDArray f = Nd4j.createFromArray(new float[][]{{0.1f, 2f}, {-3f, 1e-30f}});
        assertArrayEquals(new double[]{0.1f, 2f, -3f, 1e-30f}, HostArrays.doubles(f));
        // An 'f'-ordered array is read in row-major order too.
        INDArray fortran = Nd4j.create(DataType.DOUBLE, new long[]{2, 3}, 'f').assign(a);
        assertArrayEquals(VALUES, HostArrays.doubles(fortran));
    }

    @Test
    void createRoundsOnceToFloat32AndCastsOtherTypes() {
        double[] values = {0.1, 1e-50, -2.5, 1e300};
        INDArray f = HostArrays.create(values, DataType.FLOAT, 2, 2);
        assertEquals(DataType.FLOAT, f.dataType());
        assertArrayEquals(new float[]{0.1f, 0f, -2.5f, Float.POSITIVE_INFINITY}, f.data().asFloat());
        INDArray d = HostArrays.create(values, DataType.DOUBLE, 4);
        assertArrayEquals(values, d.data().asDouble());
        INDArray h = HostArrays.create(new double[]{1.5, -2}, DataType.HALF, 1, 2);
        assertEquals(DataType.HALF, h.dataType());
        assertArrayEquals(new double[]{1.5, -2}, h.castTo(DataType.DOUBLE).data().asDouble());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HostArrays.create(values, DataType.FLOAT, 3, 2));
        assertTrue(e.getMessage().contains("6 values but 4"), e.getMessage());
    }

    @Test
    void emptyArraysRoundTrip() {
        INDArray empty = HostArrays.float64(new double[0], 0, 4);
        assertEquals(0, empty.length());
        assertEquals(0, HostArrays.doubles(empty).length);
    }
}
