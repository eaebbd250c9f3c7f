package org.dml4j.nn.onnx;

import org.dml4j.data.MnistDataSource;
import org.dml4j.data.MnistFiles;
import org.dml4j.loss.ContrastiveLoss;
import org.dml4j.model.EmbeddingModel;
import org.dml4j.nn.NetworkSpecs;
import org.dml4j.nn.optim.Adam;
import org.dml4j.sampling.MPerClassSampler;
import org.dml4j.train.MetricLearningTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.ImmutableDataset;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An imported ResNet-18-shaped ONNX backbone is the network of a {@code MetricLearningTrainer} ({@code onnx:PATH}
 * spec with an embedding head): training on Fashion-MNIST rows fine-tunes every layer but the frozen stem, and the
 * trained model saves and loads without the ONNX file it was imported from.
 */
class OnnxFineTuningTest {

    @Test
    void anImportedBackboneFineTunesAndSavesWithoutItsFile(@TempDir Path dir) throws IOException {
        Path onnx = Files.write(dir.resolve("resnet.onnx"), OnnxBackboneTest.resource("resnet18-narrow.onnx"));
        // Debian's dataset-fashion-mnist, installed by scripts/setup.sh
        MnistDataSource source = MnistDataSource.of(MnistFiles.locate(Path.of(MnistFiles.DEBIAN_FASHION_MNIST)),
                MnistFiles.Split.TEST);
        MutableDataset<Label> data = new MutableDataset<>(source.getProvenance(), source.getOutputFactory());
        int rows = 0;
        for (Example<Label> e : source) {
            if (rows++ == 256) {
                break;
            }
            data.add(e);
        }
        // the stem's convolution and batch normalization frozen, the rest fine-tuned
        String spec = "onnx:" + onnx + ":embedding=16,freeze=2";
        Map<String, INDArray> imported = OnnxBackbone.read(onnx).layer(DataType.FLOAT).parameters();
        Dataset<Label> train = ImmutableDataset.copyDataset(data, source.featureMap(), data.getOutputIDInfo());
        EmbeddingModel model = new MetricLearningTrainer(NetworkSpecs.parse(spec), new ContrastiveLoss(), null,
                new MPerClassSampler(4), new Adam(), 1, 64, 1e-3, 7).train(train);
        assertTrue(model.toString().contains("network=" + spec + ", references"), model.toString());
        Map<String, INDArray> trained = model.network().parameters();
        for (String name : new String[]{"layer1.0.conv1.weight", "layer1.0.bn1.weight", "layer4.1.conv2.weight",
                "fc.bias"}) {
            INDArray before = imported.get(name);
            INDArray after = trained.get("1." + name);
            assertArrayEquals(before.shape(), after.shape(), name);
            assertFalse(before.equalsWithEps(after, 1e-7), name + " was not fine-tuned");
        }
        for (String name : new String[]{"conv1.weight", "bn1.weight", "bn1.bias"}) {
            assertFalse(trained.containsKey("1." + name), name + " is frozen");
            assertEquals(imported.get(name), model.network().buffers().get("1." + name), name + " changed");
        }

        Path saved = dir.resolve("model.dml4j");
        model.serializeToFile(saved);
        Files.delete(onnx);
        EmbeddingModel loaded = (EmbeddingModel) Model.deserializeFromFile(saved).castModel(Label.class);
        assertEquals(model.toString(), loaded.toString());
        assertEquals(model.network().buffers(), loaded.network().buffers());
        List<Example<Label>> some = data.getData().subList(0, 32);
        INDArray embeddings = model.embed(some);
        assertArrayEquals(new long[]{32, 16}, embeddings.shape());
        assertEquals(embeddings, loaded.embed(some));
    }
}
