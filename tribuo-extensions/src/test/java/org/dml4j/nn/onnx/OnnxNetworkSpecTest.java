package org.dml4j.nn.onnx;

import org.dml4j.nn.EmbeddingNetwork;
import org.dml4j.nn.NetworkSpec;
import org.dml4j.nn.NetworkSpecs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code onnx:PATH[:embedding=E,normalize=false,freeze=all|N]} network spec: its embedding size, the networks it
 * builds, frozen layers, its command-line form and its errors.
 */
class OnnxNetworkSpecTest {

    @Test
    void buildsTheImportedNetworkWithAnOptionalHead(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("m.onnx"), OnnxBackboneTest.resource("mobilenet-small.onnx"));
        NetworkSpec plain = NetworkSpecs.parse("onnx:" + file);
        assertEquals(24, plain.embeddingSize(), "the graph's output width");
        assertEquals("onnx:" + file, plain.toString());
        EmbeddingNetwork net = plain.build(784, 1, DataType.FLOAT);
        assertEquals(3, net.layers().size(), "Unflatten, the graph, L2Normalize");
        float[] norms = net.embed(Nd4j.rand(DataType.FLOAT, 2, 784)).norm2(1).toFloatVector();
        assertArrayEquals(new float[]{1, 1}, norms, 1e-5f);

        NetworkSpec headed = NetworkSpecs.parse("onnx:" + file + ":embedding=8,normalize=false");
        assertEquals(8, headed.embeddingSize());
        assertEquals("onnx:" + file + ":embedding=8,normalize=false", headed.toString());
        assertArrayEquals(new long[]{2, 8}, headed.build(784, 1, DataType.FLOAT)
                .forward(Nd4j.rand(DataType.FLOAT, 2, 784), false).shape());
        assertTrue(headed.getProvenance().toString().contains(file.toString()), headed.getProvenance().toString());
        IllegalArgumentException wrongInput = assertThrows(IllegalArgumentException.class,
                () -> headed.build(100, 1, DataType.FLOAT));
        assertEquals("the ONNX model " + file + " takes 1x28x28 images (784 features), found 100 features",
                wrongInput.getMessage());
    }

    @Test
    void frozenLayersTravelAsBuffers(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("m.onnx"), OnnxBackboneTest.resource("mobilenet-small.onnx"));
        NetworkSpec all = NetworkSpecs.parse("onnx:" + file + ":embedding=8,freeze=all");
        assertEquals("onnx:" + file + ":embedding=8,freeze=all", all.toString());
        EmbeddingNetwork net = all.build(784, 1, DataType.FLOAT);
        assertEquals(Set.of("2.weight", "2.bias"), net.parameters().keySet());
        assertTrue(net.buffers().containsKey("1.stem.0.weight"), net.buffers().keySet().toString());
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 784);
        net.forward(x, true);
        net.backwardParameters(Nd4j.rand(DataType.FLOAT, 4, 8));
        assertEquals(Set.of("2.weight", "2.bias"), net.gradients().keySet());

        EmbeddingNetwork two = NetworkSpecs.parse("onnx:" + file + ":freeze=2").build(784, 1, DataType.FLOAT);
        Set<String> params = two.parameters().keySet();
        assertTrue(!params.contains("1.stem.0.weight") && !params.contains("1.stem.1.weight")
                && params.contains("1.blocks.0.block.0.weight"), params.toString());
        assertTrue(two.buffers().keySet().containsAll(Set.of("1.stem.0.weight", "1.stem.1.weight", "1.stem.1.bias",
                "1.stem.1.running_mean")), two.buffers().keySet().toString());
        assertEquals(two.parameters().keySet(), two.copy().parameters().keySet(), "a copy keeps the freezing");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NetworkSpecs.parse("onnx:" + file + ":freeze=all"));
        assertTrue(e.getMessage().contains("freeze=all leaves nothing to train without an embedding head"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NetworkSpecs.parse("onnx:" + file + ":freeze=half"));
        assertTrue(e.getMessage().contains("freeze must be none, all or a count of layers, found 'half'"),
                e.getMessage());
    }

    @Test
    void badSpecsAreNamed(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("m.onnx"), OnnxBackboneTest.resource("mobilenet-small.onnx"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NetworkSpecs.parse("onnx:" + file + ":embedding=0"));
        assertTrue(e.getMessage().startsWith("network spec 'onnx:" + file + ":embedding=0' is malformed: ")
                && e.getMessage().contains("embedding must be a positive integer, found '0'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> NetworkSpecs.parse("onnx:" + file + ":freeze-bn=maybe"));
        assertTrue(e.getMessage().contains("freeze-bn must be true or false, found 'maybe'"), e.getMessage());
        String frozenStatistics = "onnx:" + file + ":embedding=8,freeze=2,freeze-bn=true";
        assertEquals(frozenStatistics, NetworkSpecs.parse(frozenStatistics).toString());
        e = assertThrows(IllegalArgumentException.class, () -> NetworkSpecs.parse("onnx:" + file + ":image=1x2x2"));
        assertTrue(e.getMessage().contains("unknown option(s) [image]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NetworkSpecs.parse("onnx:"));
        assertTrue(e.getMessage().contains("an onnx spec needs the model file's path"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NetworkSpecs.parse("onnx:" + dir.resolve("no.onnx")));
        assertEquals("ONNX model file " + dir.resolve("no.onnx") + " does not exist or is not a file",
                e.getMessage());
    }
}
