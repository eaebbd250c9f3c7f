package org.dml4j.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Finite-difference checks (float64, {@link GradientCheck}) of the blocks' backward passes, alone and inside small
 * networks, and their handling of bad input.
 */
class BlocksGradientTest {

    private static SplittableRandom rng() {
        return new SplittableRandom(3);
    }

    /** A CNHW batch of 2 images of 4 channels, 3x2 pixels. */
    private static INDArray images() {
        return GradientCheck.normal(5, 4, 2, 3, 2);
    }

    @Test
    void layerNormOverRowsAndTokens() {
        LayerNorm norm = new LayerNorm(5, DataType.DOUBLE);
        norm.parameters().get("weight").assign(GradientCheck.normal(1, 5));
        norm.parameters().get("bias").assign(GradientCheck.normal(2, 5));
        GradientCheck.check(norm, GradientCheck.normal(3, 4, 5), true);
        GradientCheck.check(norm, GradientCheck.normal(4, 2, 3, 5), true);
    }

    @Test
    void gelu() {
        GradientCheck.check(new GELU(), GradientCheck.normal(1, 3, 4).muli(2), true);
    }

    @Test
    void selfAttentionOverTokens() {
        MultiHeadAttention attention = new MultiHeadAttention(6, 3, rng(), DataType.DOUBLE);
        randomize(attention);
        GradientCheck.check(attention, GradientCheck.normal(6, 2, 4, 6), true);
    }

    @Test
    void transformerBlockOverImagePositionsAndTokens() {
        TransformerBlock block = new TransformerBlock(4, 2, rng(), DataType.DOUBLE);
        randomize(block);
        EmbeddingNetwork net = new EmbeddingNetwork(List.of(block));
        GradientCheck.checkSampled(net, GradientCheck.normal(8, 2, 3, 4), true, 1e-6, 8, net.parameters().keySet());
        GradientCheck.checkSampled(net, images(), true, 1e-6, 4, net.parameters().keySet());
    }

    @Test
    void attentionPoolOverImagePositionsAndTokens() {
        AttentionPool pool = new AttentionPool(4, 2, rng(), DataType.DOUBLE);
        randomize(pool);
        GradientCheck.check(pool, images(), true);
        GradientCheck.check(pool, GradientCheck.normal(9, 3, 5, 4), true);
    }

    @Test
    void gemPoolingIncludingItsExponent() {
        GeMPool2d gem = new GeMPool2d(DataType.DOUBLE);
        // positive inputs away from the clamp (where the gradient is discontinuous) and one clamped value
        INDArray x = images().muli(0.3);
        x.assign(org.nd4j.linalg.ops.transforms.Transforms.abs(x).addi(0.2));
        x.putScalar(0, -1);
        GradientCheck.check(gem, x, true);
        assertEquals(0.0, gem.backward(GradientCheck.normal(1, 2, 4)).getDouble(0), "no gradient where clamped");
    }

    @Test
    void gemWithExponentOneIsAveragePooling() {
        GeMPool2d gem = new GeMPool2d(DataType.DOUBLE);
        gem.parameters().get("p").assign(1);
        INDArray x = images().addi(10);
        assertArrayEquals(new GlobalAvgPool2d().forward(x, false).reshape(-1).toDoubleVector(),
                gem.forward(x, false).reshape(-1).toDoubleVector(), 1e-12);
    }

    @Test
    void aCnnWithAttentionBlockAndAttentionPooling() {
        EmbeddingNetwork net = new EmbeddingNetwork(List.of(new Unflatten(1, 4, 4),
                new Conv2d(1, 4, 3, 1, 1, rng(), DataType.DOUBLE), new BatchNorm2d(4, DataType.DOUBLE), new ReLU(),
                new MaxPool2d(2, 2), new TransformerBlock(4, 2, rng(), DataType.DOUBLE),
                new AttentionPool(4, 2, rng(), DataType.DOUBLE), new Dense(4, 3, rng(), DataType.DOUBLE),
                new L2Normalize()));
        GradientCheck.checkSampled(net, GradientCheck.normal(11, 3, 16), true, 1e-6, 3, net.parameters().keySet());
    }

    @Test
    void copiesAreIndependentAndComputeTheSame() {
        TransformerBlock block = new TransformerBlock(4, 2, rng(), DataType.DOUBLE);
        Layer copy = block.copy();
        INDArray x = images();
        assertArrayEquals(block.forward(x, false).reshape(-1).toDoubleVector(),
                copy.forward(x, false).reshape(-1).toDoubleVector(), 0);
        copy.parameters().get("norm1.weight").addi(1);
        assertTrue(block.parameters().get("norm1.weight").getDouble(0) == 1.0, "the original is unchanged");
    }

    @Test
    void badShapesAndHeadsAreNamed() {
        IllegalArgumentException heads = assertThrows(IllegalArgumentException.class,
                () -> new TransformerBlock(6, 4, rng(), DataType.DOUBLE));
        assertTrue(heads.getMessage().contains("width 6 and 4 heads"), heads.getMessage());
        IllegalArgumentException channels = assertThrows(IllegalArgumentException.class,
                () -> new AttentionPool(8, 2, rng(), DataType.DOUBLE).forward(images(), false));
        assertTrue(channels.getMessage().startsWith("AttentionPool expects a [channels=8, batch, height, width]"),
                channels.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LayerNorm(2, DataType.DOUBLE).forward(images(), false));
        assertThrows(IllegalStateException.class, () -> new GeMPool2d(DataType.DOUBLE).backward(images()));
    }

    /** Random values for every parameter, so that zero biases and unit norm weights do not hide a gradient. */
    private static void randomize(Layer layer) {
        long[] seed = {20};
        layer.parameters().values().forEach(p -> p.assign(GradientCheck.normal(seed[0]++, p.shape()).muli(0.5)));
    }
}
