package org.dml4j.train;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import org.dml4j.augment.GaussianNoise;
import org.dml4j.eval.LinearProbe;
import org.dml4j.loss.NTXentLoss;
import org.dml4j.loss.SelfSupervisedLoss;
import org.dml4j.model.EmbeddingModel;
import org.dml4j.nn.Activation;
import org.dml4j.nn.MlpSpec;
import org.dml4j.sampling.MPerClassSampler;
import org.dml4j.sampling.ShuffleSampler;
import org.dml4j.testutil.Clusters;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.provenance.TrainerProvenance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Self-supervised (SimCLR-style) training through {@link MetricLearningTrainer} with a {@link SelfSupervision}. */
class SelfSupervisedTrainingTest {

    private static final MlpSpec NETWORK = new MlpSpec(new int[]{16}, 8);
    private static final MlpSpec HEAD = new MlpSpec(new int[]{8}, 4, Activation.RELU, 0, false, false);

    private static MetricLearningTrainer.Builder simclr(int epochs) {
        return MetricLearningTrainer.builder(NETWORK, new SelfSupervisedLoss(new NTXentLoss()))
                .selfSupervision(new SelfSupervision(new GaussianNoise(0.3), HEAD)).sampler(new ShuffleSampler())
                .epochs(epochs).batchSize(32).learningRate(3e-3).seed(7);
    }

    /** The same examples with every label replaced (a rotation of the class names). */
    private static MutableDataset<Label> relabelled(MutableDataset<Label> data) {
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> out = new MutableDataset<>(new SimpleDataSourceProvenance("relabelled", factory),
                factory);
        for (Example<Label> e : data) {
            int c = Integer.parseInt(e.getOutput().getLabel());
            List<String> names = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            e.forEach(f -> {
                names.add(f.getName());
                values.add(f.getValue());
            });
            out.add(new ArrayExample<>(new Label(String.valueOf((c + 1) % 4)), names.toArray(new String[0]),
                    values.stream().mapToDouble(Double::doubleValue).toArray()));
        }
        return out;
    }

    @Test
    void trainsTheNetworkDropsTheHeadIgnoresLabelsAndRecordsTheMode() {
        MutableDataset<Label> data = Clusters.dataset(4, 40, 10, 0.3, 3);
        List<Double> losses = new ArrayList<>();
        MetricLearningTrainer trainer = simclr(4).build();
        trainer.addListener(new TrainingListener() {
            @Override
            public void onEpochEnd(EpochEnd epoch) {
                losses.add(epoch.meanLoss());
            }
        });
        EmbeddingModel model = trainer.train(data);
        assertEquals(8, model.embeddingSize(), "the model embeds with the network; the 4-wide head is dropped");
        assertEquals(NETWORK.build(10, 0, DataType.FLOAT).parameters().keySet(),
                model.network().parameters().keySet());
        assertTrue(losses.get(3) < losses.get(0), "the loss falls: " + losses);
        Map<String, ? extends Provenance> instance = model.getProvenance().getInstanceProvenance().getMap();
        assertEquals("self-supervised", instance.get(TrainingMode.PROVENANCE_KEY).toString());
        assertEquals(TrainingMode.SELF_SUPERVISED, trainer.mode());

        EmbeddingModel fromOtherLabels = simclr(4).build().train(relabelled(data));
        model.network().parameters().forEach((name, p) -> assertEquals(p,
                fromOtherLabels.network().parameters().get(name), name + " depends on the labels"));
        EmbeddingModel again = simclr(4).build().train(data);
        assertEquals(model.embed(data), again.embed(data), "same seed, same model");
    }

    @Test
    void theModelIsRebuiltFromItsProvenance() {
        MutableDataset<Label> data = Clusters.dataset(4, 16, 10, 0.3, 4);
        EmbeddingModel model = simclr(1).build().train(data);
        TrainerProvenance provenance = model.getProvenance().getTrainerProvenance();
        ConfigurationManager cm = new ConfigurationManager();
        cm.addConfiguration(ProvenanceUtil.extractConfiguration(provenance));
        MetricLearningTrainer rebuilt = (MetricLearningTrainer) cm.lookup(ProvenanceUtil.computeName(provenance, 0));
        assertEquals(TrainingMode.SELF_SUPERVISED, rebuilt.mode());
        assertEquals(model.embed(data), rebuilt.train(data).embed(data));
    }

    @Test
    void theProbeAndRetrievalSeeTheClassesInTheLearnedEmbedding() {
        MutableDataset<Label> train = Clusters.dataset(4, 40, 10, 0.3, 5);
        EmbeddingModel model = simclr(3).build().train(train);
        double accuracy = new LinearProbe().evaluate(model, train, Clusters.dataset(4, 40, 10, 0.3, 5))
                .accuracy();
        assertTrue(accuracy > 0.9, "well separated clusters stay separable: " + accuracy);
    }

    @Test
    void supervisedModelsRecordTheirModeToo() {
        MetricLearningTrainer supervised = MetricLearningTrainer.builder(NETWORK, new NTXentLoss())
                .sampler(new MPerClassSampler(4)).epochs(1).batchSize(16).build();
        assertEquals(TrainingMode.SUPERVISED, supervised.mode());
        EmbeddingModel model = supervised.train(Clusters.dataset(4, 8, 10, 0.3, 1));
        assertEquals("supervised", model.getProvenance().getInstanceProvenance().getMap()
                .get(TrainingMode.PROVENANCE_KEY).toString());
    }

    @Test
    void partsThatDoNotFitAreRejectedNamingTheField() {
        assertTrue(assertThrows(PropertyException.class, () -> simclr(1).loss(new NTXentLoss()).build())
                .getMessage().contains("needs a SelfSupervisedLoss"));
        assertTrue(assertThrows(PropertyException.class, () -> simclr(1).sampler(new MPerClassSampler(4)).build())
                .getMessage().contains("ignores labels: set the sampler to a ShuffleSampler"));
        assertTrue(assertThrows(PropertyException.class, () -> simclr(1).augmentation(new GaussianNoise(0.1))
                .build()).getMessage().contains("leave augmentation unset"));
        assertTrue(assertThrows(PropertyException.class, () -> MetricLearningTrainer.builder(NETWORK,
                        new SelfSupervisedLoss(new NTXentLoss())).build()).getMessage()
                .contains("set selfSupervision"));
        assertTrue(assertThrows(PropertyException.class, () -> new SelfSupervision(null, HEAD)).getMessage()
                .contains("views must be set"));
        assertEquals(TrainingMode.SELF_SUPERVISED, TrainingMode.of("self-supervised"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainingMode.of("unsupervised")).getMessage()
                .contains("choose one of supervised, self-supervised"));
    }
}
