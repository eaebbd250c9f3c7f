package org.dml4j.augment;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageAugmentationTest {

    /** A batch of random 5×4×2 images. */
    private static INDArray images(int count) {
        SplittableRandom r = new SplittableRandom(11);
        float[][] rows = new float[count][5 * 4 * 2];
        for (float[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) r.nextDouble();
            }
        }
        return Nd4j.create(rows);
    }

    private static List<Augmentation> all() {
        return List.of(new RandomRotation(5, 4, 2, -30, 30), new RandomScaling(5, 4, 2, 0.8, 1.2),
                new RandomCrop(5, 4, 2, 2), new RandomHorizontalFlip(5, 4, 2, 0.5), new GaussianNoise(0.1),
                new Compose(List.of(new RandomCrop(5, 4, 2, 1), new GaussianNoise(0.2))));
    }

    @Test
    void sameSeedSameResultOtherSeedOtherResultShapeKept() {
        INDArray batch = images(20);
        INDArray before = batch.dup();
        for (Augmentation a : all()) {
            INDArray x = a.apply(batch, new SplittableRandom(3));
            INDArray y = a.apply(batch, new SplittableRandom(3));
            INDArray z = a.apply(batch, new SplittableRandom(4));
            assertEquals(x, y, a.toString());
            assertNotEquals(x, z, a.toString());
            assertArrayEquals(batch.shape(), x.shape(), a.toString());
            assertEquals(DataType.FLOAT, x.dataType(), a.toString());
            assertEquals(before, batch, a + " changed its input");
        }
    }

    @Test
    void keepsTheInputDataType() {
        INDArray batch = images(2).castTo(DataType.DOUBLE);
        for (Augmentation a : all()) {
            assertEquals(DataType.DOUBLE, a.apply(batch, new SplittableRandom(0)).dataType(), a.toString());
        }
    }

    @Test
    void neutralSettingsAreTheIdentity() {
        INDArray batch = images(3);
        SplittableRandom rng = new SplittableRandom(0);
        assertEquals(batch, new RandomRotation(5, 4, 2, 0, 0).apply(batch, rng));
        assertEquals(batch, new RandomScaling(5, 4, 2, 1, 1).apply(batch, rng));
        assertEquals(batch, new RandomCrop(5, 4, 2, 0).apply(batch, rng));
        assertEquals(batch, new RandomHorizontalFlip(5, 4, 2, 0).apply(batch, rng));
        assertEquals(batch, new GaussianNoise(0).apply(batch, rng));
    }

    @Test
    void flippingTwiceIsTheIdentity() {
        INDArray batch = images(3);
        RandomHorizontalFlip flip = new RandomHorizontalFlip(5, 4, 2, 1);
        INDArray once = flip.apply(batch, new SplittableRandom(0));
        assertNotEquals(batch, once);
        assertEquals(batch, flip.apply(once, new SplittableRandom(1)));
        assertEquals(batch, new Compose(List.of(flip, flip)).apply(batch, new SplittableRandom(2)));
    }

    @Test
    void flipMirrorsColumnsAndKeepsChannelsTogether() {
        // One 1×3 image with 2 channels, stored channel by channel (C×H×W): pixels (1,10) (2,20) (3,30).
        INDArray image = Nd4j.create(new float[][]{{1, 2, 3, 10, 20, 30}});
        INDArray flipped = new RandomHorizontalFlip(1, 3, 2, 1).apply(image, new SplittableRandom(0));
        assertArrayEquals(new float[]{3, 2, 1, 30, 20, 10}, flipped.toFloatVector());
    }

    @Test
    void quarterTurnIsCounterClockwise() {
        // 3×3 grey image with one bright pixel at the top middle; +90 degrees moves it to the left middle.
        float[] pixels = new float[9];
        pixels[1] = 1;
        INDArray out = new RandomRotation(3, 3, 1, 90, 90).apply(Nd4j.create(new float[][]{pixels}),
                new SplittableRandom(0));
        float[] expected = new float[9];
        expected[3] = 1;
        assertArrayEquals(expected, out.toFloatVector(), 1e-6f);
    }

    @Test
    void doublingInterpolatesBilinearly() {
        INDArray row = Nd4j.create(new float[][]{{0, 0, 1, 0, 0}});
        INDArray out = new RandomScaling(1, 5, 1, 2, 2).apply(row, new SplittableRandom(0));
        assertArrayEquals(new float[]{0, 0.5f, 1, 0.5f, 0}, out.toFloatVector(), 1e-6f);
    }

    @Test
    void cropShiftsWithinThePaddingAndFillsZeros() {
        // A 3×3 image with pixels 1..9; padding 1 allows the 9 shifts (dx, dy) in [-1, 1]².
        float[] pixels = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        INDArray image = Nd4j.create(new float[][]{pixels});
        RandomCrop crop = new RandomCrop(3, 3, 1, 1);
        Set<String> seen = new HashSet<>();
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < 200; i++) {
            float[] out = crop.apply(image, rng).toFloatVector();
            seen.add(shiftOf(pixels, out));
        }
        assertEquals(9, seen.size());
    }

    /** The shift (dx, dy) with out(x, y) = in(x + dx, y + dy), zero outside, of a 3×3 image; fails if none. */
    private static String shiftOf(float[] in, float[] out) {
        for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
                float[] shifted = new float[9];
                for (int y = 0; y < 3; y++) {
                    for (int x = 0; x < 3; x++) {
                        int sx = x + dx;
                        int sy = y + dy;
                        shifted[y * 3 + x] = sx < 0 || sy < 0 || sx > 2 || sy > 2 ? 0 : in[sy * 3 + sx];
                    }
                }
                if (Arrays.equals(shifted, out)) {
                    return dx + "," + dy;
                }
            }
        }
        throw new AssertionError("not a shift of the image: " + Arrays.toString(out));
    }

    @Test
    void rejectsTheWrongRowWidthAndBadSettings() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RandomCrop(28, 28, 1, 2).apply(Nd4j.zeros(DataType.FLOAT, 2, 100), new SplittableRandom()));
        assertEquals("expected B × 784 rows of 28×28×1 images, found shape [2, 100]", e.getMessage());
        assertTrue(assertThrows(PropertyException.class, () -> new RandomCrop(0, 28, 1, 2)).getMessage()
                .contains("height must be >= 1, found 0"));
        assertTrue(assertThrows(PropertyException.class, () -> new RandomCrop(28, 28, 1, -1)).getMessage()
                .contains("padding must be >= 0, found -1"));
        assertTrue(assertThrows(PropertyException.class, () -> new RandomRotation(28, 28, 1, 10, -10)).getMessage()
                .contains("minDegrees = 10.0, maxDegrees = -10.0"));
        assertTrue(assertThrows(PropertyException.class, () -> new RandomScaling(28, 28, 1, 0, 1)).getMessage()
                .contains("minScale = 0.0"));
        assertTrue(assertThrows(PropertyException.class, () -> new RandomHorizontalFlip(28, 28, 1, 1.5))
                .getMessage().contains("probability must be in [0, 1], found 1.5"));
        assertThrows(PropertyException.class, () -> new Compose(List.of()));
    }

    @Test
    void provenanceNamesTheParameters() {
        var params = new RandomCrop(28, 28, 1, 3).getProvenance().getConfiguredParameters();
        assertEquals("3", params.get("padding").toString());
        assertEquals("28", params.get("height").toString());
        assertEquals("RandomCrop(height=28, width=28, channels=1, padding=3)",
                new RandomCrop(28, 28, 1, 3).toString());
    }
}
