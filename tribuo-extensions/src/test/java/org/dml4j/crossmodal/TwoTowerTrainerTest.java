package org.dml4j.crossmodal;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import org.dml4j.nn.NetworkSpec;
import org.dml4j.nn.NetworkSpecs;
import org.dml4j.train.EpochEnd;
import org.dml4j.train.RunEnd;
import org.dml4j.train.TrainingListener;
import org.dml4j.train.TrainingMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.impl.ArrayExample;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two-tower training end to end on small generated pairs: an MLP for modality A (6 features) and a CNN for modality B
 * (8 × 8 images), a few epochs, both directions' retrieval against untrained towers, the learned temperature, the
 * events listeners see, the save/load round trip, and the configuration and data errors.
 */
class TwoTowerTrainerTest {

    private static final NetworkSpec MLP = NetworkSpecs.parse("mlp:16,8");
    private static final NetworkSpec CNN = NetworkSpecs.parse("cnn:4,8:image=1x8x8");

    private static MutableDataset<Label> train;
    private static MutableDataset<Label> test;
    private static TwoTowerModel model;
    private static final List<EpochEnd> epochs = new ArrayList<>();
    private static RunEnd end;

    @BeforeAll
    static void trainOnce() {
        train = PairedExamples.of(4, 40, 1);
        test = PairedExamples.of(4, 15, 2);
        TwoTowerTrainer trainer = new TwoTowerTrainer(MLP, CNN, new org.dml4j.nn.optim.Adam(), 6, 32, 0.01, 7, 0.07,
                true, 0.2);
        trainer.addListener(new TrainingListener() {
            @Override
            public void onEpochEnd(EpochEnd epoch) {
                epochs.add(epoch);
            }

            @Override
            public void onRunEnd(RunEnd e) {
                end = e;
            }
        });
        model = trainer.train(train);
    }

    private static Map<String, Double> untrainedMetrics() {
        List<Example<Label>> rows = new ArrayList<>();
        test.forEach(rows::add);
        FeatureGroup a = new FeatureGroup("a_", PairedExamples.WIDTH_A);
        FeatureGroup b = new FeatureGroup("b_", PairedExamples.WIDTH_B);
        INDArray ea = MLP.build(a.width(), 3, DataType.FLOAT).embed(a.rows(rows));
        INDArray eb = CNN.build(b.width(), 4, DataType.FLOAT).embed(b.rows(rows));
        return new CrossModalEvaluator().evaluate(ea, eb, CrossModalEvaluator.labelIds(rows)).summary();
    }

    @Test
    void bothDirectionsRetrieveFarBetterThanUntrainedTowers() {
        Map<String, Double> trained = new CrossModalEvaluator().evaluate(model, test).summary();
        Map<String, Double> untrained = untrainedMetrics();
        for (String direction : List.of("a_to_b", "b_to_a")) {
            for (String metric : List.of("map_at_r", "recall_at_1")) {
                String key = direction + "/" + metric;
                assertTrue(trained.get(key) > untrained.get(key) + 0.2, key + ": trained " + trained.get(key)
                        + ", untrained " + untrained.get(key));
            }
            assertTrue(trained.get(direction + "/map_at_r") > 0.7, trained.toString());
        }
    }

    @Test
    void learnsTheTemperatureWithinItsRange() {
        assertNotEquals(0.07, model.temperature(), 1e-4, "the temperature is trained");
        assertTrue(model.temperature() >= 0.01 - 1e-9 && model.temperature() <= 1 + 1e-9);
        TwoTowerTrainer fixed = new TwoTowerTrainer(MLP, MLP, new org.dml4j.nn.optim.Adam(), 1, 32, 0.01, 7, 0.2,
                false, 0);
        assertEquals(0.2, fixed.train(PairedExamples.of(2, 20, 3)).temperature(), 1e-6,
                "learnTemperature false keeps the initial temperature");
    }

    @Test
    void listenersSeeEveryEpochWithBothDirectionsValidated() {
        assertEquals(6, epochs.size());
        assertTrue(epochs.get(5).meanLoss() < epochs.get(0).meanLoss(), "the loss falls");
        assertTrue(epochs.get(5).validationMetrics().containsKey("a_to_b/map_at_r"));
        assertTrue(epochs.get(5).validationMetrics().containsKey("b_to_a/recall_at_1"));
        assertEquals(6, end.epochs());
        assertEquals(model, end.model());
        assertEquals(TrainingMode.CROSS_MODAL.cliName(), model.getProvenance().getInstanceProvenance()
                .getMap().get(TrainingMode.PROVENANCE_KEY).toString());
    }

    @Test
    void predictsByTheNearestRowsOfTheOtherModality() {
        int correct = 0;
        for (Example<Label> pair : test) {
            ArrayExample<Label> onlyA = new ArrayExample<>(pair.getOutput());
            pair.forEach(f -> {
                if (f.getName().startsWith("a_")) {
                    onlyA.add(f.getName(), f.getValue());
                }
            });
            Prediction<Label> p = model.predict(onlyA);
            correct += p.getOutput().getLabel().equals(pair.getOutput().getLabel()) ? 1 : 0;
        }
        assertTrue(correct > 0.8 * test.size(), correct + " of " + test.size());
    }

    @Test
    void saveAndLoadGiveIdenticalEmbeddingsAndPredictions(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("two-tower.tribuo");
        model.serializeToFile(file);
        TwoTowerModel loaded = (TwoTowerModel) Model.deserializeFromFile(file);
        for (Modality m : Modality.values()) {
            assertEquals(model.embed(m, test), loaded.embed(m, test), m.toString());
            assertEquals(model.tower(m).references(), loaded.tower(m).references());
        }
        assertEquals(model.temperature(), loaded.temperature(), 0);
        assertEquals(model.predict(test).get(3).getOutput(), loaded.predict(test).get(3).getOutput());
        assertEquals(model.getProvenance(), loaded.getProvenance());
    }

    @Test
    void configurationErrorsNameTheField() {
        PropertyException widths = assertThrows(PropertyException.class, () -> new TwoTowerTrainer(MLP,
                NetworkSpecs.parse("mlp:16,4"), 1, 8, 0.01, 1));
        assertTrue(widths.getMessage().contains("same space") && widths.getMessage().contains("towerB"),
                widths.getMessage());
        PropertyException batch = assertThrows(PropertyException.class, () -> new TwoTowerTrainer(MLP, MLP, 1, 1,
                0.01, 1));
        assertTrue(batch.getMessage().contains("batchSize"), batch.getMessage());
    }

    @Test
    void towersThatDoNotFitTheirModalityAreNamed() {
        TwoTowerTrainer swapped = new TwoTowerTrainer(CNN, MLP, 1, 16, 0.01, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> swapped.train(PairedExamples.of(2, 10, 5)));
        assertTrue(e.getMessage().contains("towerA") && e.getMessage().contains("6 features a_0..a_5"),
                e.getMessage());
    }

    @Test
    void dataWithoutAGroupIsRefused() {
        TwoTowerTrainer trainer = new TwoTowerTrainer(MLP, MLP, 1, 16, 0.01, 1);
        MutableDataset<Label> onlyA = new MutableDataset<>(train.getProvenance(), train.getOutputFactory());
        for (Example<Label> pair : PairedExamples.of(2, 10, 6)) {
            ArrayExample<Label> a = new ArrayExample<>(pair.getOutput());
            pair.forEach(f -> {
                if (f.getName().startsWith("a_")) {
                    a.add(f.getName(), f.getValue());
                }
            });
            onlyA.add(a);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trainer.train(onlyA));
        assertTrue(e.getMessage().contains("no feature of modality B") && e.getMessage().contains("b_"),
                e.getMessage());
        IllegalArgumentException embed = assertThrows(IllegalArgumentException.class,
                () -> model.embed(Modality.B, onlyA));
        assertTrue(embed.getMessage().contains("modality B") && embed.getMessage().contains("example 0"),
                embed.getMessage());
    }

    @Test
    void examplesWiderThanATowerAreRefused() {
        ArrayExample<Label> wide = new ArrayExample<>(new Label("class-0"));
        wide.add("a_0", 1);
        wide.add("a_6", 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.predict(wide));
        assertTrue(e.getMessage().contains("a_6") && e.getMessage().contains("input width 6"), e.getMessage());
    }

    @Test
    void theModelsProvenanceRebuildsTheTrainerAndItsModel() {
        MutableDataset<Label> small = PairedExamples.of(2, 12, 8);
        TwoTowerTrainer trainer = new TwoTowerTrainer(MLP, CNN, new org.dml4j.nn.optim.Adam(), 1, 8, 0.01, 11, 0.1,
                true, 0);
        TwoTowerModel first = trainer.train(small);
        ConfigurationManager cm = new ConfigurationManager();
        cm.addConfiguration(ProvenanceUtil.extractConfiguration(first.getProvenance().getTrainerProvenance()));
        TwoTowerTrainer rebuilt = (TwoTowerTrainer) cm.lookup(ProvenanceUtil.computeName(
                first.getProvenance().getTrainerProvenance(), 0));
        assertEquals(trainer.toString(), rebuilt.toString());
        TwoTowerModel again = rebuilt.train(small);
        assertEquals(first.embed(Modality.B, small), again.embed(Modality.B, small));
        assertEquals(first.temperature(), again.temperature(), 0);
    }
}
