package org.dml4j.train;

import org.dml4j.augment.GaussianNoise;
import org.dml4j.loss.NTXentLoss;
import org.dml4j.loss.PrototypicalLoss;
import org.dml4j.loss.SelfSupervisedLoss;
import org.dml4j.loss.TripletMarginLoss;
import org.dml4j.nn.MlpSpec;
import org.dml4j.sampling.EpisodeSampler;
import org.dml4j.sampling.MPerClassSampler;
import org.dml4j.sampling.ShuffleSampler;
import org.dml4j.testutil.Clusters;
import org.junit.jupiter.api.Test;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each mode's own validation metrics, per epoch: episodic training's few-shot accuracy on the validation classes,
 * self-supervised training's linear probe accuracy; supervised training reports neither.
 */
class ModeValidationTest {

    private static final MlpSpec NETWORK = new MlpSpec(new int[]{16}, 8);
    private static final MutableDataset<Label> DATA = Clusters.dataset(4, 30, 10, 0.3, 8);

    /** Trains and returns each epoch's validation metrics, then the run's final metrics. */
    private static List<Map<String, Double>> validations(MetricLearningTrainer trainer) {
        List<Map<String, Double>> out = new ArrayList<>();
        trainer.addListener(new TrainingListener() {
            @Override
            public void onEpochEnd(EpochEnd epoch) {
                out.add(epoch.validationMetrics());
            }

            @Override
            public void onRunEnd(RunEnd end) {
                out.add(end.finalMetrics());
            }
        });
        trainer.train(DATA);
        return out;
    }

    @Test
    void episodicTrainingValidatesByFewShotAccuracyOfItsSetting() {
        List<Map<String, Double>> metrics = validations(MetricLearningTrainer.builder(NETWORK,
                        new PrototypicalLoss(1)).sampler(new EpisodeSampler(3, 1, 4, 5)).batchSize(15).epochs(2)
                .validationFraction(0.3).seed(3).build());
        assertEquals(3, metrics.size());
        for (Map<String, Double> m : metrics) {
            assertTrue(m.containsKey("map_at_r") && m.containsKey("few_shot_3x1/ci95"), m.toString());
            // four well separated clusters: far above chance (1/3)
            assertTrue(m.get("few_shot_3x1/accuracy") > 0.8, m.toString());
        }
        assertEquals(metrics.get(1), metrics.get(2), "the run ends with its last validation");
    }

    @Test
    void selfSupervisedTrainingValidatesByLinearProbeAccuracy() {
        List<Map<String, Double>> metrics = validations(MetricLearningTrainer.builder(NETWORK,
                        new SelfSupervisedLoss(new NTXentLoss())).selfSupervision(new SelfSupervision(
                        new GaussianNoise(0.3), null)).sampler(new ShuffleSampler()).batchSize(32).epochs(2)
                .validationFraction(0.3).seed(3).build());
        for (Map<String, Double> m : metrics) {
            assertTrue(m.get(ModeValidation.LINEAR_PROBE) > 0.8, m.toString());
            assertFalse(m.keySet().stream().anyMatch(k -> k.startsWith("few_shot")), m.toString());
        }
        Map<String, Double> supervised = validations(MetricLearningTrainer.builder(NETWORK, new TripletMarginLoss())
                .sampler(new MPerClassSampler(4)).batchSize(16).epochs(1).validationFraction(0.3).build()).get(0);
        assertFalse(supervised.containsKey(ModeValidation.LINEAR_PROBE), supervised.toString());
    }

    @Test
    void aValidationPartTooSmallForTheEpisodesIsNamedBeforeTraining() {
        MetricLearningTrainer trainer = MetricLearningTrainer.builder(NETWORK, new PrototypicalLoss(2))
                .sampler(new EpisodeSampler(3, 2, 8, 5)).batchSize(30).epochs(1).validationFraction(0.2).build();
        String message = assertThrows(IllegalArgumentException.class, () -> trainer.train(DATA)).getMessage();
        assertEquals("few-shot validation on the validation part of clusters-8: class '0' has 6 examples, fewer "
                + "than the 10 (shot + queries) an episode draws from each class: lower the shot or the queries to "
                + "at most 6 in all, or leave the class out; or raise validationFraction", message);
    }
}
