package org.dml4j.augment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SimCLR's augmentations against torchvision's definitions: fixed crop boxes, jitter factors and blur sigmas
 * compared with the values experiments/bench/simclr-augment-reference.py computed in PyTorch (resources
 * augment/simclr-augment-reference.json), then the random draws' invariants and seeding.
 */
class SimClrAugmentationTest {

    private static final double TOLERANCE = 2e-6;
    private static JsonNode reference;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = SimClrAugmentationTest.class.getResourceAsStream(
                "/augment/simclr-augment-reference.json")) {
            reference = new ObjectMapper().readTree(in);
        }
    }

    private static float[] floats(JsonNode values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) values.get(i).asDouble();
        }
        return out;
    }

    private static void assertClose(JsonNode expected, float[] got, String what) {
        assertEquals(expected.size(), got.length, what);
        for (int i = 0; i < got.length; i++) {
            assertEquals(expected.get(i).asDouble(), got[i], TOLERANCE, what + " value " + i);
        }
    }

    @Test
    void fixedCropBoxesMatchPyTorchBilinearResize() {
        for (JsonNode c : reference.get("crop")) {
            RandomResizedCrop crop = new RandomResizedCrop(c.get("height").asInt(), c.get("width").asInt(),
                    c.get("channels").asInt(), 0.08, 1);
            float[] image = floats(c.get("image"));
            float[] out = new float[image.length];
            JsonNode box = c.get("box");
            crop.resizeBox(image, out, 0, box.get(0).asInt(), box.get(1).asInt(), box.get(2).asInt(),
                    box.get(3).asInt());
            assertClose(c.get("expected"), out, "crop " + box);
        }
    }

    @Test
    void fixedJitterFactorsMatchTorchvisionsDefinitions() {
        for (JsonNode c : reference.get("jitter")) {
            ColorJitter jitter = new ColorJitter(c.get("height").asInt(), c.get("width").asInt(),
                    c.get("channels").asInt(), 0.4, 0.4, 0.4, 0.1, 1);
            float[] image = floats(c.get("image"));
            double[] values = new double[image.length];
            for (int i = 0; i < image.length; i++) {
                values[i] = image[i];
            }
            int[] order = new int[4];
            for (int i = 0; i < 4; i++) {
                order[i] = c.get("order").get(i).asInt();
            }
            JsonNode f = c.get("factors");
            jitter.jitter(values, order, factor(f.get(0)), factor(f.get(1)), factor(f.get(2)), factor(f.get(3)));
            float[] out = new float[values.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) values[i];
            }
            assertClose(c.get("expected"), out, "jitter " + c.get("order") + " " + f);
        }
    }

    private static double factor(JsonNode f) {
        return f.isNull() ? Double.NaN : f.asDouble();
    }

    @Test
    void fixedBlurSigmasMatchPyTorchConvolutionWithReflectPadding() {
        for (JsonNode c : reference.get("blur")) {
            GaussianBlur blur = new GaussianBlur(c.get("height").asInt(), c.get("width").asInt(),
                    c.get("channels").asInt(), c.get("kernel_size").asInt(), 0.1, 2, 1);
            float[] image = floats(c.get("image"));
            float[] out = new float[image.length];
            blur.blur(image, out, 0, c.get("sigma").asDouble());
            assertClose(c.get("expected"), out, "blur k=" + c.get("kernel_size") + " sigma=" + c.get("sigma"));
        }
    }

    @Test
    void cropBoxesStayInsideWithTheirAreaAndRatioInRange() {
        RandomResizedCrop crop = new RandomResizedCrop(28, 28, 1, 0.2, 0.6, 0.5, 2);
        SplittableRandom rng = new SplittableRandom(3);
        for (int n = 0; n < 2000; n++) {
            int[] box = crop.box(rng);
            assertTrue(box[0] >= 0 && box[1] >= 0 && box[0] + box[2] <= 28 && box[1] + box[3] <= 28,
                    "box inside the image");
            double fraction = box[2] * box[3] / (28.0 * 28);
            // rounding each side to whole pixels moves the area by up to about one row and one column
            assertTrue(fraction > 0.2 - 2.0 / 28 && fraction < 0.6 + 2.0 / 28, "area fraction " + fraction);
            double ratio = (double) box[3] / box[2];
            assertTrue(ratio > 0.5 * 0.8 && ratio < 2 * 1.25, "aspect ratio " + ratio);
        }
        // no admissible box (a crop wider than the image's ratio allows): torchvision's central fallback
        int[] fallback = new RandomResizedCrop(4, 40, 1, 1, 1, 0.5, 2).box(new SplittableRandom(1));
        assertArrayEquals(new int[]{0, 16, 4, 8}, fallback);
    }

    @Test
    void neutralSettingsAreTheIdentity() {
        INDArray images = Nd4j.rand(DataType.FLOAT, 5, 3 * 6 * 6);
        SplittableRandom rng = new SplittableRandom(7);
        assertEquals(images, new RandomResizedCrop(6, 6, 3, 1, 1, 1, 1).apply(images, rng));
        assertEquals(images, new ColorJitter(6, 6, 3, 0, 0, 0, 0, 1).apply(images, rng));
        assertEquals(images, new ColorJitter(6, 6, 3, 0.4, 0.4, 0.4, 0.1, 0).apply(images, rng));
        assertEquals(images, new GaussianBlur(6, 6, 3, 1, 0.1, 2, 1).apply(images, rng));
        assertEquals(images, new GaussianBlur(6, 6, 3, 5, 0.1, 2, 0).apply(images, rng));
    }

    @Test
    void jitterKeepsValuesInTheUnitRangeAndGreyImagesGrey() {
        INDArray images = Nd4j.rand(DataType.FLOAT, 20, 3 * 5 * 5);
        float[] out = new ColorJitter(5, 5, 3, 0.9, 0.9, 0.9, 0.5, 1).apply(images, new SplittableRandom(1))
                .data().asFloat();
        for (float v : out) {
            assertTrue(v >= 0 && v <= 1, "value " + v);
        }
        // a grey RGB pixel has no hue or saturation to change: the three channels stay equal
        INDArray plane = Nd4j.rand(DataType.FLOAT, 4, 25);
        INDArray grey = Nd4j.hstack(plane, plane, plane);
        float[] g = new ColorJitter(5, 5, 3, 0.4, 0.4, 0.4, 0.5, 1).apply(grey, new SplittableRandom(2))
                .data().asFloat();
        for (int row = 0; row < 4; row++) {
            for (int p = 0; p < 25; p++) {
                assertEquals(g[row * 75 + p], g[row * 75 + 25 + p], 1e-6);
                assertEquals(g[row * 75 + p], g[row * 75 + 50 + p], 1e-6);
            }
        }
    }

    @Test
    void blurKeepsConstantImagesAndTheMean() {
        INDArray constant = Nd4j.valueArrayOf(new long[]{2, 49}, 0.25f);
        assertTrue(constant.equalsWithEps(new GaussianBlur(7, 7, 1, 5, 0.5, 2, 1)
                .apply(constant, new SplittableRandom(4)), 1e-6));
    }

    @Test
    void sameSeedSameViewsOtherSeedOtherViews() {
        INDArray images = Nd4j.rand(DataType.FLOAT, 8, 3 * 12 * 12);
        Augmentation simclr = new Compose(List.of(new RandomResizedCrop(12, 12, 3, 0.2, 1),
                new RandomHorizontalFlip(12, 12, 3, 0.5), new ColorJitter(12, 12, 3, 0.4, 0.4, 0.4, 0.1, 0.8),
                new GaussianBlur(12, 12, 3, 3, 0.1, 2, 0.5)));
        INDArray a = simclr.apply(images, new SplittableRandom(11));
        assertEquals(a, simclr.apply(images, new SplittableRandom(11)));
        assertNotEquals(a, simclr.apply(images, new SplittableRandom(12)));
        assertArrayEquals(images.shape(), a.shape());
    }

    @Test
    void rejectsBadSettingsNamingTheField() {
        assertTrue(assertThrows(PropertyException.class, () -> new RandomResizedCrop(28, 28, 1, 0.5, 1.2))
                .getMessage().contains("maxScale = 1.2"));
        assertTrue(assertThrows(PropertyException.class, () -> new ColorJitter(8, 8, 2, 0.4, 0.4, 0.4, 0.1, 1))
                .getMessage().contains("found 2 channels"));
        assertTrue(assertThrows(PropertyException.class, () -> new ColorJitter(8, 8, 3, 0.4, 0.4, 0.4, 0.7, 1))
                .getMessage().contains("hue must be in [0, 0.5], found 0.7"));
        assertTrue(assertThrows(PropertyException.class, () -> new GaussianBlur(8, 8, 1, 4, 0.1, 2, 1))
                .getMessage().contains("kernelSize must be odd"));
        assertTrue(assertThrows(PropertyException.class, () -> new GaussianBlur(3, 8, 1, 7, 0.1, 2, 1))
                .getMessage().contains("kernelSize below 6"));
    }

    @Test
    void provenanceAndToStringNameTheParameters() {
        ColorJitter jitter = new ColorJitter(28, 28, 1, 0.4, 0.3, 0.2, 0.1, 0.8);
        var params = jitter.getProvenance().getConfiguredParameters();
        assertEquals("0.3", params.get("contrast").toString());
        assertEquals("0.8", params.get("probability").toString());
        assertEquals("GaussianBlur(height=28, width=28, channels=1, kernelSize=3, minSigma=0.1, maxSigma=2.0, "
                + "probability=0.5)", new GaussianBlur(28, 28, 1, 3, 0.1, 2, 0.5).toString());
        assertEquals("5", new GaussianBlur(28, 28, 1, 5, 0.1, 2, 0.5).getProvenance().getConfiguredParameters()
                .get("kernelSize").toString());
        assertEquals("0.2", new RandomResizedCrop(28, 28, 1, 0.2, 1).getProvenance().getConfiguredParameters()
                .get("minScale").toString());
    }
}
