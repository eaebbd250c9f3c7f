package org.dml4j.augment;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GaussianNoiseTest {

    @Test
    void noiseHasTheRequestedMeanAndStd() {
        INDArray base = Nd4j.ones(DataType.FLOAT, 200, 500).muli(3);
        INDArray noise = new GaussianNoise(0.5).apply(base, new SplittableRandom(1)).subi(3);
        // 100k samples: the standard error of the mean is 0.0016 and of the std about 0.0011.
        assertEquals(0, noise.meanNumber().doubleValue(), 0.01);
        assertEquals(0.5, noise.stdNumber().doubleValue(), 0.01);
    }

    @Test
    void rowsGetIndependentNoise() {
        INDArray out = new GaussianNoise(1).apply(Nd4j.zeros(DataType.FLOAT, 2, 3), new SplittableRandom(1));
        assertTrue(!out.getRow(0).equals(out.getRow(1)));
    }

    @Test
    void rejectsBadStdAndShapes() {
        assertTrue(assertThrows(PropertyException.class, () -> new GaussianNoise(-1)).getMessage()
                .contains("std must be finite and >= 0, found -1.0"));
        assertThrows(IllegalArgumentException.class,
                () -> new GaussianNoise(1).apply(Nd4j.zeros(DataType.FLOAT, 3), new SplittableRandom()));
    }
}
