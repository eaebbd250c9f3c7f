package org.dml4j.nn.onnx;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.augment.RandomHorizontalFlip;
import org.dml4j.data.MnistDataSource;
import org.dml4j.data.MnistFiles;
import org.dml4j.loss.ContrastiveLoss;
import org.dml4j.model.EmbeddingModel;
import org.dml4j.nn.NetworkSpecs;
import org.dml4j.nn.optim.Adam;
import org.dml4j.nn.optim.Optimizer;
import org.dml4j.nn.optim.Sgd;
import org.dml4j.sampling.MPerClassSampler;
import org.dml4j.sampling.ShuffleSampler;
import org.dml4j.train.BatchEnd;
import org.dml4j.train.Checkpoint;
import org.dml4j.train.FineTuning;
import org.dml4j.train.MetricLearningTrainer;
import org.dml4j.train.TrainingListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.ImmutableDataset;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fine-tuning an imported MobileNet-style ONNX backbone ({@link FineTuning}, {@code freeze-bn}): frozen parameters
 * and frozen batch-norm statistics stay bit-identical, the head-only warm-up holds the whole backbone, the backbone's
 * learning-rate multiplier scales its steps, and a head trained on cached backbone features (DML4J's inference pass or
 * onnxruntime) is the head trained through the frozen backbone.
 */
class BackboneFineTuningTest {

    private static final FineTuning.FeatureCache NONE = FineTuning.FeatureCache.NONE;
    private static Path onnx;
    private static Dataset<Label> data;
    private static Map<String, INDArray> imported;

    @TempDir
    static Path dir;

    @BeforeAll
    static void load() throws IOException {
        onnx = Files.write(dir.resolve("mobilenet.onnx"), OnnxBackboneTest.resource("mobilenet-small.onnx"));
        MnistDataSource source = MnistDataSource.of(MnistFiles.locate(Path.of(MnistFiles.DEBIAN_FASHION_MNIST)),
                MnistFiles.Split.TEST);
        MutableDataset<Label> rows = new MutableDataset<>(source.getProvenance(), source.getOutputFactory());
        for (Example<Label> e : source) {
            if (rows.size() == 96) {
                break;
            }
            rows.add(e);
        }
        data = ImmutableDataset.copyDataset(rows, source.featureMap(), rows.getOutputIDInfo());
        GraphLayer layer = OnnxBackbone.read(onnx).layer(DataType.FLOAT);
        imported = new LinkedHashMap<>(layer.parameters());
        imported.putAll(layer.buffers());
    }

    private static MetricLearningTrainer.Builder trainer(String options, Optimizer optimizer, int epochs) {
        return MetricLearningTrainer.builder(NetworkSpecs.parse("onnx:" + onnx + ":" + options),
                        new ContrastiveLoss())
                .sampler(new MPerClassSampler(4)).optimizer(optimizer).epochs(epochs).batchSize(32)
                .learningRate(1e-2).seed(3);
    }

    /** {@link #trainer} with plain SGD at learning rate 1. */
    private static MetricLearningTrainer.Builder sgdTrainer(String options, int epochs) {
        return trainer(options, new Sgd(0, false, 0), epochs).learningRate(1.0);
    }

    /** The backbone's parameters and buffers after training, by ONNX name. */
    private static Map<String, INDArray> backbone(EmbeddingModel model) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        model.network().parameters().forEach((k, v) -> put(out, k, v));
        model.network().buffers().forEach((k, v) -> put(out, k, v));
        return out;
    }

    private static void put(Map<String, INDArray> out, String name, INDArray value) {
        if (name.startsWith("1.")) {
            out.put(name.substring(2), value);
        }
    }

    private static void assertIdentical(Map<String, INDArray> after, String what) {
        assertEquals(imported.keySet(), after.keySet());
        imported.forEach((name, before) -> assertEquals(before, after.get(name), what + ": " + name + " changed"));
    }

    @Test
    void aFrozenBackboneStaysBitIdenticalAndFreezeBnKeepsItsStatistics() {
        EmbeddingModel frozen = trainer("embedding=8,freeze=all,freeze-bn=true", new Adam(), 2).build().train(data);
        assertIdentical(backbone(frozen), "freeze=all,freeze-bn=true");
        assertEquals(Set.of("2.weight", "2.bias"), frozen.network().parameters().keySet());

        // without freeze-bn the frozen batch normalizations still update their running statistics
        Map<String, INDArray> moving = backbone(trainer("embedding=8,freeze=all", new Adam(), 2).build().train(data));
        imported.forEach((name, before) -> {
            if (name.contains("running_")) {
                assertFalse(before.equalsWithEps(moving.get(name), 1e-7), name + " did not move");
            } else {
                assertEquals(before, moving.get(name), name + " is frozen");
            }
        });
    }

    @Test
    void theWarmUpHoldsTheBackboneFrozenThenTrainsIt() {
        FineTuning warmUp = new FineTuning(1.0, 1, 0, NONE);
        // epoch 1 of 1: only the head trains, the frozen batch normalizations keep their statistics
        EmbeddingModel held = trainer("embedding=8,freeze-bn=true", new Adam(), 1).fineTuning(warmUp).build()
                .train(data);
        assertIdentical(backbone(held), "during the warm-up");
        assertTrue(held.network().parameters().containsKey("1.stem.0.weight"),
                "the model's backbone is trainable again after training");

        // epoch 2 trains the backbone; validation keeps the best of both epochs, whichever phase it came from
        MetricLearningTrainer.Builder twoEpochs = trainer("embedding=8,freeze-bn=true", new Adam(), 2)
                .fineTuning(warmUp).validationFraction(0.25);
        EmbeddingModel released = twoEpochs.checkpointDirectory(dir.resolve("full").toString()).build().train(data);
        Map<String, INDArray> after = backbone(released);
        for (String name : new String[]{"stem.0.weight", "fc.weight"}) {
            assertFalse(imported.get(name).equalsWithEps(after.get(name), 1e-7), name + " trained after the warm-up");
        }
        // resumed from the warm-up's checkpoint (the backbone then held frozen), it continues exactly
        EmbeddingModel resumed = twoEpochs.checkpointDirectory(dir.resolve("again").toString()).build()
                .resume(data, dir.resolve("full").resolve(Checkpoint.fileName(1)));
        assertEquals(released.network().parameters(), resumed.network().parameters());
        assertEquals(released.network().buffers(), resumed.network().buffers());
    }

    @Test
    void theBackboneLearningRateMultiplierScalesItsSteps() {
        AtomicInteger steps = new AtomicInteger();
        Map<String, INDArray> full = oneSgdStep(1.0, steps);
        Map<String, INDArray> tenth = oneSgdStep(0.1, steps);
        assertEquals(2, steps.get(), "one step per run");
        for (String name : new String[]{"1.stem.0.weight", "1.fc.weight", "2.weight"}) {
            INDArray start = name.startsWith("1.") ? imported.get(name.substring(2)) : null;
            if (start == null) {
                // the head: both runs step it with the same rate
                assertTrue(full.get(name).equalsWithEps(tenth.get(name), 1e-7), name);
                continue;
            }
            INDArray fullStep = full.get(name).sub(start);
            INDArray tenthStep = tenth.get(name).sub(start);
            assertTrue(fullStep.norm2Number().doubleValue() > 0, name + " moved");
            double ratio = tenthStep.norm2Number().doubleValue() / fullStep.norm2Number().doubleValue();
            assertEquals(0.1, ratio, 1e-3, name + ": the backbone's step is a tenth");
        }
    }

    private static Map<String, INDArray> oneSgdStep(double multiplier, AtomicInteger steps) {
        MetricLearningTrainer trainer = trainer("embedding=8", new Sgd(0, false, 0), 1).batchSize(96)
                .sampler(new ShuffleSampler())
                .fineTuning(new FineTuning(multiplier, 0, 0, NONE)).build();
        trainer.addListener(new TrainingListener() {
            @Override
            public void onBatchEnd(BatchEnd batch) {
                steps.incrementAndGet();
            }
        });
        return trainer.train(data).network().parameters();
    }

    @Test
    void aHeadTrainedOnCachedFeaturesIsTheHeadTrainedThroughTheFrozenBackbone() {
        String spec = "embedding=8,freeze=all,freeze-bn=true";
        // SGD: a step proportional to the gradient keeps the features' rounding (the backbone's products round by
        // where a row falls in BLAS's tiles, batch against cache block, on some CPUs' kernels) at its size, where
        // Adam's normalised step would turn a near-zero gradient's rounding into a step of the learning rate
        Map<String, INDArray> oneEpoch = sgdTrainer(spec, 1).build().train(data).network().parameters();
        Map<String, INDArray> uncached = sgdTrainer(spec, 2).build().train(data).network().parameters();
        assertTrue(uncached.get("2.weight").sub(oneEpoch.get("2.weight")).norm2Number().doubleValue() > 1e-3,
                "the head kept moving in the second epoch");
        for (FineTuning.FeatureCache cache : new FineTuning.FeatureCache[]{FineTuning.FeatureCache.NETWORK,
                FineTuning.FeatureCache.ONNXRUNTIME}) {
            Map<String, INDArray> cached = sgdTrainer(spec, 2).fineTuning(new FineTuning(1.0, 0, 0, cache)).build()
                    .train(data).network().parameters();
            assertEquals(uncached.keySet(), cached.keySet());
            double tolerance = cache == FineTuning.FeatureCache.NETWORK ? 1e-6 : 1e-4;
            uncached.forEach((name, value) -> assertTrue(value.equalsWithEps(cached.get(name), tolerance),
                    cache + " " + name + ": " + value + " vs " + cached.get(name)));
        }
    }

    @Test
    void aCacheTheSettingsCannotGiveIsAnError() {
        FineTuning cache = new FineTuning(1.0, 0, 0, FineTuning.FeatureCache.NETWORK);
        IllegalArgumentException bn = assertThrows(IllegalArgumentException.class,
                () -> trainer("embedding=8,freeze=all", new Adam(), 1).fineTuning(cache).build().train(data));
        assertTrue(bn.getMessage().contains("set freeze-bn=true"), bn.getMessage());
        IllegalArgumentException training = assertThrows(IllegalArgumentException.class,
                () -> trainer("embedding=8,freeze-bn=true", new Adam(), 1).fineTuning(cache).build().train(data));
        assertTrue(training.getMessage().contains("freeze it (freeze=all) or set unfreezeAfterEpochs > 0"),
                training.getMessage());
        PropertyException augmented = assertThrows(PropertyException.class,
                () -> trainer("embedding=8,freeze=all,freeze-bn=true", new Adam(), 1).fineTuning(cache)
                        .augmentation(new RandomHorizontalFlip(28, 28, 1, 0.5)).build());
        assertTrue(augmented.getMessage().contains("unset the augmentation or set featureCache NONE"),
                augmented.getMessage());
        IllegalArgumentException noHead = assertThrows(IllegalArgumentException.class,
                () -> trainer("freeze-bn=true", new Adam(), 1).fineTuning(new FineTuning(1.0, 1, 0, NONE)).build()
                        .train(data));
        assertTrue(noHead.getMessage().contains("add an embedding head"), noHead.getMessage());
    }
}
