package org.dml4j.distance;

import org.dml4j.nn.L2Normalize;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class L2NormalizationTest {

    @Test
    void rowsAreScaledToUnitLengthAndZeroRowsStayZero() {
        L2Normalization n = L2Normalization.of(new double[]{3, 4, 0, 0, -1e-13, 0}, 3, 2);
        assertArrayEquals(new double[]{0.6, 0.8, 0, 0, -0.1, 0}, n.normalized(), 1e-15);
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        Random random = new Random(7);
        int rows = 4;
        int cols = 5;
        double[] x = new double[rows * cols];
        double[] weights = new double[rows * cols];
        for (int k = 0; k < x.length; k++) {
            x[k] = random.nextGaussian();
            weights[k] = random.nextGaussian();
        }
        double[] gradient = L2Normalization.of(x, rows, cols).backward(weights);
        double h = 1e-6;
        for (int k = 0; k < x.length; k++) {
            double[] plus = x.clone();
            double[] minus = x.clone();
            plus[k] += h;
            minus[k] -= h;
            double numeric = (weighted(L2Normalization.of(plus, rows, cols), weights)
                    - weighted(L2Normalization.of(minus, rows, cols), weights)) / (2 * h);
            assertEquals(numeric, gradient[k], 1e-8, "coordinate " + k);
        }
    }

    private static double weighted(L2Normalization n, double[] weights) {
        double sum = 0;
        for (int k = 0; k < weights.length; k++) {
            sum += weights[k] * n.normalized()[k];
        }
        return sum;
    }

    @Test
    void belowTheFloorTheNormIsAConstantAsInPyTorch() {
        // F.normalize divides by max(||x||, 1e-12): below the floor the map is linear, so dL/dx = g / 1e-12.
        double[] gradient = L2Normalization.of(new double[]{1e-13, 0, 1, 0}, 2, 2).backward(new double[]{2, 3, 5, 7});
        assertArrayEquals(new double[]{2e12, 3e12, 0, 7}, gradient, 1e-3);
    }

    @Test
    void mismatchedSizesAreRejectedWithTheShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> L2Normalization.of(new double[5], 2, 3));
        assertTrue(e.getMessage().contains("2 x 3"), e.getMessage());
        L2Normalization n = L2Normalization.of(new double[6], 2, 3);
        assertThrows(IllegalArgumentException.class, () -> n.backward(new double[4]));
    }

    @Test
    void theLayerComputesInFloat64AndRoundsOnceToTheInputType() {
        INDArray x = Nd4j.createFromArray(new float[][]{{0.1f, 0.2f, 0.3f}, {1e20f, -3e19f, 7f}});
        INDArray y = new L2Normalize().forward(x, true);
        assertEquals(DataType.FLOAT, y.dataType());
        double[] wide = {0.1f, 0.2f, 0.3f, 1e20f, -3e19f, 7f};
        double[] expected = L2Normalization.of(wide, 2, 3).normalized();
        for (int k = 0; k < expected.length; k++) {
            assertEquals((float) expected[k], y.getFloat(k / 3, k % 3), "element " + k);
        }
    }

    @Test
    void theLayerRejectsImagesWithTheFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new L2Normalize().forward(Nd4j.zeros(DataType.FLOAT, 2, 3, 4), true));
        assertTrue(e.getMessage().contains("Flatten"), e.getMessage());
    }
}
