package org.dml4j.train;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import com.oracle.labs.mlrg.olcut.provenance.primitives.IntProvenance;
import org.dml4j.augment.GaussianNoise;
import org.dml4j.index.KnnDistance;
import org.dml4j.loss.TripletMarginLoss;
import org.dml4j.mining.BatchHardMiner;
import org.dml4j.model.EmbeddingModel;
import org.dml4j.model.ReferenceSet;
import org.dml4j.nn.NetworkSpecs;
import org.dml4j.nn.optim.Adam;
import org.dml4j.nn.optim.Sgd;
import org.dml4j.nn.optim.StepSchedule;
import org.dml4j.sampling.MPerClassSampler;
import org.dml4j.testutil.Clusters;
import org.junit.jupiter.api.Test;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.provenance.TrainerProvenance;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A trainer is configured once and every model's provenance rebuilds that model (issue 15). */
class TrainerProvenanceTest {

    private static final MutableDataset<Label> DATA = Clusters.dataset(3, 16, 6, 1.0, 21);

    private static MetricLearningTrainer trainer() {
        return new MetricLearningTrainer(NetworkSpecs.parse("mlp:12,4"), new TripletMarginLoss(0.2), null,
                new MPerClassSampler(4), new Adam(), 1, 12, 1e-2, 3);
    }

    /** Every parameter of the model's network, and the embeddings of the data: equal only when bit-identical. */
    private static float[] bits(EmbeddingModel model) {
        List<Float> values = new ArrayList<>();
        model.network().parameters().values().forEach(p -> {
            for (float v : p.dup().reshape(p.length()).toFloatVector()) {
                values.add(v);
            }
        });
        for (float v : model.embed(DATA).reshape(DATA.size() * model.embeddingSize()).toFloatVector()) {
            values.add(v);
        }
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    @Test
    void everyModelIsRebuiltBitIdenticallyFromItsProvenance() {
        MetricLearningTrainer first = trainer();
        List<EmbeddingModel> models = new ArrayList<>();
        models.add(first.train(DATA));                       // invocation 0
        models.add(first.train(DATA));                       // 1
        MetricLearningTrainer same = first.toBuilder().build(); // reconfigured with the same values: count 0 again
        models.add(same.train(DATA));
        models.add(first.train(DATA));                       // 2
        first.setInvocationCount(1);
        models.add(first.train(DATA));                       // 1 again
        models.add(first.train(DATA, Map.of(), 5));          // 5
        MetricLearningTrainer other = first.toBuilder().learningRate(5e-3).seed(9).build();
        models.add(other.train(DATA));
        models.add(other.train(DATA));
        int[] expectedCounts = {0, 1, 0, 2, 1, 5, 0, 1};
        for (int i = 0; i < models.size(); i++) {
            TrainerProvenance provenance = models.get(i).getProvenance().getTrainerProvenance();
            int count = ((IntProvenance) provenance.getInstanceValues()
                    .get(TrainerProvenance.TRAIN_INVOCATION_COUNT)).getValue();
            assertEquals(expectedCounts[i], count, "model " + i);
            ConfigurationManager cm = new ConfigurationManager();
            cm.addConfiguration(ProvenanceUtil.extractConfiguration(provenance));
            MetricLearningTrainer rebuilt = (MetricLearningTrainer) cm.lookup(ProvenanceUtil.computeName(provenance,
                    0));
            rebuilt.setInvocationCount(count);
            EmbeddingModel again = rebuilt.train(DATA);
            assertEquals(provenance, again.getProvenance().getTrainerProvenance(), "model " + i);
            assertArrayEquals(bits(models.get(i)), bits(again), "model " + i + " (invocation " + count + ")");
        }
        assertArrayEquals(bits(models.get(0)), bits(models.get(2)));
        assertArrayEquals(bits(models.get(1)), bits(models.get(4)));
        assertFalse(Arrays.equals(bits(models.get(0)), bits(models.get(1))), "invocations differ");
    }

    @Test
    void theBuilderSetsEveryConfigurableField() throws ReflectiveOperationException {
        for (Field field : MetricLearningTrainer.class.getDeclaredFields()) {
            if (field.isAnnotationPresent(Config.class)) {
                Method setter = MetricLearningTrainer.Builder.class.getMethod(field.getName(), field.getType());
                assertEquals(MetricLearningTrainer.Builder.class, setter.getReturnType(), field.getName());
            }
        }
        MetricLearningTrainer trainer = MetricLearningTrainer.builder(NetworkSpecs.parse("mlp:12,4"),
                        new TripletMarginLoss(0.3)).miner(new BatchHardMiner()).sampler(new MPerClassSampler(6))
                .optimizer(new Sgd(0.9, true, 0)).schedule(new StepSchedule(5, 0.5)).learningRate(0.02)
                .lossLearningRateMultiplier(2).augmentation(new GaussianNoise(0.01)).epochs(2).batchSize(18)
                .seed(77).validationFraction(0.25).validationInterval(2).earlyStoppingMetric("precision_at_1")
                .patience(3).checkpointDirectory("checkpoints").checkpointInterval(4).memorySize(36)
                .referenceKind(ReferenceSet.Kind.CLASS_CENTROIDS).neighbours(3)
                .rankingDistance(KnnDistance.DOT).build();
        String all = ProvenanceUtil.formattedProvenanceString(trainer.getProvenance());
        for (String expected : List.of("BatchHardMiner", "m = 6", "momentum = 0.9", "StepSchedule",
                "learningRate = 0.02", "lossLearningRateMultiplier = 2.0", "GaussianNoise", "epochs = 2", "batchSize = 18", "seed = 77",
                "validationFraction = 0.25", "validationInterval = 2", "earlyStoppingMetric = precision_at_1",
                "patience = 3", "checkpointDirectory = checkpoints", "checkpointInterval = 4", "memorySize = 36",
                "referenceKind = CLASS_CENTROIDS", "neighbours = 3", "rankingDistance = DOT", "margin = 0.3")) {
            assertTrue(all.contains(expected), expected + " in " + all);
        }
    }

    @Test
    void aListenerCanStopTrainingAndTheModelIsKept() {
        MetricLearningTrainer trainer = trainer().toBuilder().epochs(6).build();
        List<Integer> epochs = new ArrayList<>();
        int[] trained = new int[1];
        trainer.addListener(new TrainingListener() {
            @Override
            public void onEpochEnd(EpochEnd epoch) {
                epochs.add(epoch.epoch());
            }

            @Override
            public boolean stopRequested() {
                return epochs.size() >= 2;
            }

            @Override
            public void onRunEnd(RunEnd end) {
                trained[0] = end.epochs();
            }
        });
        EmbeddingModel model = trainer.train(DATA);
        assertEquals(List.of(1, 2), epochs);
        assertEquals(2, trained[0]);
        assertEquals(DATA.size(), model.embed(DATA).rows());
        assertFalse(Thread.currentThread().isInterrupted());
    }
}
