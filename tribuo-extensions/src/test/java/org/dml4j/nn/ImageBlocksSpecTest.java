package org.dml4j.nn;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code attnH} stages and the {@code pool=} option of the image network specs: what they build, their text and
 * provenance round trips, and the errors for malformed uses.
 */
class ImageBlocksSpecTest {

    private static List<String> layerNames(EmbeddingNetwork net) {
        return net.layers().stream().map(l -> l.getClass().getSimpleName()).toList();
    }

    @Test
    void cnnWithAttentionBlockAndAttentionPooling() {
        NetworkSpec spec = NetworkSpecs.parse("cnn:4,attn2,6,10:image=1x8x8,pool=attention2");
        assertEquals("cnn:4,attn2,6,10:image=1x8x8,pool=attention2", spec.toString());
        EmbeddingNetwork net = spec.build(64, 1, DataType.FLOAT);
        assertEquals(List.of("Unflatten", "Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d", "TransformerBlock",
                "Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d", "AttentionPool", "Dense", "L2Normalize"),
                layerNames(net));
        assertEquals("TransformerBlock(4, heads=2)", net.layers().get(5).toString());
        assertEquals("AttentionPool(6, heads=2)", net.layers().get(10).toString());
        assertArrayEquals(new long[]{3, 10}, net.embed(GradientCheck.normal(1, 3, 64).castTo(DataType.FLOAT))
                .shape());
        assertTrue(net.parameters().containsKey("5.self_attn.in_proj_weight"), net.parameters().keySet()::toString);
        assertTrue(net.parameters().containsKey("10.query"), net.parameters().keySet()::toString);
    }

    @Test
    void resnetWithGemAndFlattenPooling() {
        NetworkSpec gem = NetworkSpecs.parse("resnet:4,8,attn4,6:image=1x7x7,pool=gem");
        assertEquals("resnet:4,8,attn4,6:image=1x7x7,pool=gem", gem.toString());
        List<String> layers = layerNames(gem.build(49, 1, DataType.FLOAT));
        assertEquals(List.of("TransformerBlock", "GeMPool2d", "Dense", "L2Normalize"),
                layers.subList(layers.size() - 4, layers.size()));
        // a 7x7 image's stride-2 stage gives 4x4 pixels: 8·4·4 features
        EmbeddingNetwork flat = NetworkSpecs.parse("resnet:4,8,6:image=1x7x7,pool=flatten").build(49, 1,
                DataType.FLOAT);
        assertEquals("Dense(128 -> 6)", flat.layers().get(flat.layers().size() - 2).toString());
        assertEquals(6, flat.embed(GradientCheck.normal(1, 2, 49).castTo(DataType.FLOAT)).columns());
    }

    @Test
    void defaultsAreUnchangedAndNotWritten() {
        assertEquals("cnn:4,6:image=1x8x8", NetworkSpecs.parse("cnn:4,6:image=1x8x8,pool=flatten").toString());
        assertEquals("resnet:4,6", NetworkSpecs.parse("resnet:4,6:pool=avg").toString());
        assertEquals("cnn:4,6:pool=attention", NetworkSpecs.parse("cnn:4,6:pool=attention1").toString());
        EmbeddingNetwork before = new CnnSpec(new int[]{4}, 6, 1, 8, 8, true).build(64, 3, DataType.FLOAT);
        EmbeddingNetwork after = NetworkSpecs.parse("cnn:4,6:image=1x8x8").build(64, 3, DataType.FLOAT);
        INDArray x = GradientCheck.normal(2, 2, 64).castTo(DataType.FLOAT);
        assertEquals(before.embed(x), after.embed(x), "the same seed builds the same network as before");
    }

    @Test
    void configurationRoundTripsThroughProvenance() {
        for (String text : List.of("cnn:4,attn2,6:image=1x8x8,pool=attention2", "resnet:4,attn4,8,6:pool=gem")) {
            NetworkSpec spec = NetworkSpecs.parse(text);
            ConfigurationManager cm = new ConfigurationManager();
            cm.addConfiguration(ProvenanceUtil.extractConfiguration(spec.getProvenance()));
            NetworkSpec rebuilt = (NetworkSpec) cm.lookup(cm.getComponentNames().iterator().next());
            assertEquals(text, rebuilt.toString());
            assertEquals(spec.getProvenance(), rebuilt.getProvenance());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cnn:attn2,4,6", "cnn:4,attn2,attn2,6", "cnn:4,6,attn2", "cnn:4,attn3,6",
            "cnn:4,attnx,6", "cnn:4,6:pool=max", "cnn:4,6:pool=attention3", "resnet:4,attn0,6", "mlp:4,attn2,6"})
    void malformedUsesNameTheSpecAndTheExpectedForm(String spec) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NetworkSpecs.parse(spec));
        assertTrue(e.getMessage().contains("'" + spec + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("attnH after a width adds a transformer block"), e.getMessage());
    }
}
