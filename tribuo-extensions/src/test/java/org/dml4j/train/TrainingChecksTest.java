package org.dml4j.train;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.DotProductSimilarity;
import org.dml4j.eval.RetrievalEvaluator;
import org.dml4j.eval.RetrievalMode;
import org.dml4j.index.KnnDistance;
import org.dml4j.loss.ContrastiveLoss;
import org.dml4j.loss.MultiSimilarityLoss;
import org.dml4j.loss.ProxyAnchorLoss;
import org.dml4j.loss.TripletMarginLoss;
import org.dml4j.model.EmbeddingModel;
import org.dml4j.nn.NetworkSpecs;
import org.dml4j.nn.optim.Adam;
import org.dml4j.reduce.AvgNonZeroReducer;
import org.dml4j.sampling.MPerClassSampler;
import org.dml4j.testutil.Clusters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;
import org.tribuo.Example;
import org.tribuo.Excuse;
import org.tribuo.Feature;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.impl.ArrayExample;
import org.tribuo.transform.TransformationMap;
import org.tribuo.transform.TransformerMap;
import org.tribuo.transform.transformations.MeanStdDevTransformation;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Configuration and data mistakes fail before the first step, and divergence fails at once (issues 15, 23). */
class TrainingChecksTest {

    private static final MutableDataset<Label> DATA = Clusters.dataset(3, 16, 6, 1.0, 5);

    private static MetricLearningTrainer.Builder builder(org.dml4j.loss.MetricLoss loss) {
        return MetricLearningTrainer.builder(NetworkSpecs.parse("mlp:12,4"), loss).sampler(new MPerClassSampler(4))
                .epochs(2).batchSize(12).learningRate(1e-2).seed(1);
    }

    /** Records what a run reached; {@link #events} is empty when it failed before starting. */
    private static final class Recorder implements TrainingListener {
        private final List<String> events = new ArrayList<>();

        @Override
        public void onBatchEnd(BatchEnd batch) {
            events.add("batch");
        }

        @Override
        public void onRunEnd(RunEnd end) {
            events.add("end");
        }
    }

    /** Trains and returns the failure, checking that no batch was trained and no model produced. */
    private static IllegalArgumentException rejectedBeforeAnyStep(MetricLearningTrainer trainer,
                                                                  MutableDataset<Label> data) {
        Recorder recorder = new Recorder();
        trainer.addListener(recorder);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trainer.train(data));
        assertEquals(List.of(), recorder.events, e.getMessage());
        return e;
    }

    /** The dataset with example {@code index} replaced. */
    private static MutableDataset<Label> with(int index, UnaryOperator<Example<Label>> change) {
        MutableDataset<Label> out = new MutableDataset<>(DATA.getProvenance(), DATA.getOutputFactory());
        for (int i = 0; i < DATA.size(); i++) {
            Example<Label> e = DATA.getExample(i).copy();
            out.add(i == index ? change.apply(e) : e);
        }
        return out;
    }

    private static Example<Label> withFeature(Example<Label> e, String name, double value) {
        List<String> names = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (Feature f : e) {
            names.add(f.getName());
            values.add(f.getName().equals(name) ? value : f.getValue());
        }
        return new ArrayExample<>(e.getOutput(), names.toArray(String[]::new),
                values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    @Test
    void theBatchSizeMustFitTheDefaultSampler() {
        PropertyException e = assertThrows(PropertyException.class, () -> MetricLearningTrainer
                .builder(NetworkSpecs.parse("mlp:12,4"), new TripletMarginLoss(0.2)).batchSize(48).build());
        assertEquals("batchSize", e.getProperty());
        assertTrue(e.getMessage().contains("multiple of the sampler's m = 32"), e.getMessage());
    }

    @Test
    void aBatchLargerThanTheTrainingSetIsRejectedBeforeAnyStep() {
        IllegalArgumentException e = rejectedBeforeAnyStep(builder(new TripletMarginLoss(0.2)).batchSize(4096)
                .build(), DATA);
        assertTrue(e.getMessage().contains("batch size 4096") && e.getMessage().contains("use at most "
                + DATA.size()), e.getMessage());
    }

    @Test
    void theLossMustFitTheNetwork() {
        PropertyException e = assertThrows(PropertyException.class, () -> new MetricLearningTrainer(
                NetworkSpecs.parse("mlp:12,8"), new ProxyAnchorLoss(3, 4)));
        assertEquals("loss", e.getProperty());
        assertTrue(e.getMessage().contains("embeddingSize 4") && e.getMessage().contains("outputs 8"),
                e.getMessage());
        IllegalArgumentException classes = rejectedBeforeAnyStep(builder(new ProxyAnchorLoss(2, 0)).build(), DATA);
        assertTrue(classes.getMessage().contains("numClasses 2 but the training data has 3 classes"),
                classes.getMessage());
    }

    @Test
    void perClassLossesTakeTheirSizesFromTheDataAndTheNetwork(@TempDir Path dir) throws IOException {
        Path config = TrainerConfigs.withSampler(dir.resolve("t.xml"), "org.dml4j.loss.ProxyAnchorLoss", 2, 12, 4,
                "");
        MetricLearningTrainer fromFile = (MetricLearningTrainer) new ConfigurationManager(config.toString())
                .lookup("trainer");
        assertEquals(DATA.size(), fromFile.train(DATA).embed(DATA).rows());
        EmbeddingModel model = builder(new ProxyAnchorLoss(0, 0)).build().train(DATA);
        assertEquals(4, model.embeddingSize());
    }

    @Test
    void nanFeaturesFromMeanStdDevTransformationAreRejectedBeforeAnyStep() {
        MutableDataset<Label> withConstant = new MutableDataset<>(DATA.getProvenance(), DATA.getOutputFactory());
        for (Example<Label> e : DATA) {
            Example<Label> copy = e.copy();
            copy.add(new Feature("constant", 1.0));
            withConstant.add(copy);
        }
        TransformerMap transformers = withConstant.createTransformers(new TransformationMap(
                List.of(new MeanStdDevTransformation())));
        MutableDataset<Label> scaled = transformers.transformDataset(withConstant);
        IllegalArgumentException e = rejectedBeforeAnyStep(builder(new TripletMarginLoss(0.2)).build(), scaled);
        assertTrue(e.getMessage().contains("training example 0 has feature 'constant' = NaN")
                && e.getMessage().contains("MeanStdDevTransformation"), e.getMessage());
    }

    @Test
    void featuresBeyondFloat32AreRejectedBeforeAnyStep() {
        IllegalArgumentException e = rejectedBeforeAnyStep(builder(new TripletMarginLoss(0.2)).build(),
                with(7, ex -> withFeature(ex, "f03", 1e200)));
        assertTrue(e.getMessage().contains("training example 7 has feature 'f03' = 1.0E200")
                && e.getMessage().contains("float32"), e.getMessage());
        e = rejectedBeforeAnyStep(builder(new TripletMarginLoss(0.2)).build(),
                with(2, ex -> withFeature(ex, "f00", Double.POSITIVE_INFINITY)));
        assertTrue(e.getMessage().contains("training example 2 has feature 'f00' = Infinity"), e.getMessage());
    }

    @Test
    void exampleWeightsAreRejectedNotIgnored() {
        IllegalArgumentException e = rejectedBeforeAnyStep(builder(new TripletMarginLoss(0.2)).build(),
                with(5, ex -> {
                    ex.setWeight(1e-3f);
                    return ex;
                }));
        assertTrue(e.getMessage().contains("training example 5 has weight 0.001")
                && e.getMessage().contains("set every weight to 1"), e.getMessage());
    }

    /** Issue 23: {@code --lr 1e30} must end in a clear error, not a model of NaN embeddings. */
    @Test
    void aHugeLearningRateStopsAtTheFirstNonFiniteStep() {
        Recorder recorder = new Recorder();
        MetricLearningTrainer trainer = builder(new TripletMarginLoss(0.2)).optimizer(new Adam())
                .learningRate(1e30).build();
        trainer.addListener(recorder);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> trainer.train(DATA));
        assertEquals(1, e.epoch());
        assertEquals(1, e.batch(), "one step of 1e30 makes the next batch's embeddings overflow");
        assertTrue(e.getMessage().contains("epoch 1, batch 1") && e.getMessage().contains("learning rate 1.0E30")
                && e.getMessage().contains("No model was produced"), e.getMessage());
        assertTrue(!recorder.events.contains("end"));
    }

    @Test
    void theStepCheckFindsEveryNonFiniteValue() {
        assertTrue(Divergence.isFinite(Nd4j.createFromArray(new float[][]{{1, -3e38f}, {0, 2}})));
        assertFalse(Divergence.isFinite(Nd4j.createFromArray(new float[][]{{1, 2}, {Float.NaN, 2}})));
        assertFalse(Divergence.isFinite(Nd4j.createFromArray(new float[][]{{1, Float.NEGATIVE_INFINITY}})));
        assertEquals(List.of("parameter 'b'"), Divergence.nonFinite("parameter", Map.of("a",
                Nd4j.createFromArray(1f, 2f), "b", Nd4j.createFromArray(Float.POSITIVE_INFINITY))));
    }

    @Test
    void theModelRanksWithTheLossesDistance() {
        EmbeddingModel cosine = builder(new MultiSimilarityLoss()).build().train(DATA);
        assertEquals(KnnDistance.COSINE, cosine.distance());
        Map<String, ?> instance = cosine.getProvenance().getInstanceProvenance().getMap();
        assertEquals("COSINE", String.valueOf(((com.oracle.labs.mlrg.olcut.provenance.primitives.EnumProvenance<?>)
                instance.get("ranking-distance")).getValue()));
        EmbeddingModel dot = builder(new ContrastiveLoss(0, 1, new DotProductSimilarity(false),
                new AvgNonZeroReducer())).build().train(DATA);
        assertEquals(KnnDistance.DOT, dot.distance());
        Example<Label> query = DATA.getExample(3);
        Excuse<Label> excuse = dot.getExcuse(query).orElseThrow();
        float[] q = dot.embed(query);
        double best = Double.POSITIVE_INFINITY;
        for (Example<Label> reference : DATA) {
            float[] r = dot.embed(reference);
            double negatedDot = 0;
            for (int k = 0; k < q.length; k++) {
                negatedDot -= (double) q[k] * r[k];
            }
            best = Math.min(best, negatedDot);
        }
        assertEquals(best, excuse.getScores().get("nearest-references").get(0).getB(), 1e-4);
        EmbeddingModel configured = builder(new MultiSimilarityLoss()).rankingDistance(KnnDistance.SQUARED_EUCLIDEAN)
                .build().train(DATA);
        assertEquals(KnnDistance.SQUARED_EUCLIDEAN, configured.distance());
    }

    @Test
    void theEvaluatorRanksAsTheModelDoesUnlessToldOtherwise() {
        EmbeddingModel dot = MetricLearningTrainer.builder(NetworkSpecs.parse("mlp:12,4:normalize=false"),
                        new ContrastiveLoss(0, 1, new DotProductSimilarity(false), new AvgNonZeroReducer()))
                .sampler(new MPerClassSampler(4)).epochs(2).batchSize(12).learningRate(1e-2).seed(1).build()
                .train(DATA);
        org.nd4j.linalg.api.ndarray.INDArray embeddings = dot.embed(DATA);
        int[] labels = new int[DATA.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = DATA.getOutputIDInfo().getID(DATA.getExample(i).getOutput());
        }
        double[] byDot = evaluator(KnnDistance.DOT).evaluate(embeddings, labels, null, null, RetrievalMode.SELF)
                .perQuery("map_at_r");
        double[] byEuclidean = evaluator(KnnDistance.SQUARED_EUCLIDEAN)
                .evaluate(embeddings, labels, null, null, RetrievalMode.SELF).perQuery("map_at_r");
        assertFalse(java.util.Arrays.equals(byDot, byEuclidean), "the two distances must rank differently here");
        assertArrayEquals(byDot, evaluator(null).evaluate(dot, DATA).perQuery("map_at_r"));
        assertArrayEquals(byEuclidean, evaluator(KnnDistance.SQUARED_EUCLIDEAN).evaluate(dot, DATA)
                .perQuery("map_at_r"));
    }

    private static RetrievalEvaluator evaluator(KnnDistance distance) {
        return new RetrievalEvaluator(new int[]{1, 2, 4}, distance, RetrievalEvaluator.DEFAULT_BLOCK_SIZE,
                false, RetrievalEvaluator.DEFAULT_SEED);
    }
}
