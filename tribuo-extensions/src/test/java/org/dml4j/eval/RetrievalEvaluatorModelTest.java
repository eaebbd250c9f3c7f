package org.dml4j.eval;

import org.dml4j.data.LabelIndex;
import org.dml4j.index.KnnDistance;
import org.dml4j.model.EmbeddingModel;
import org.dml4j.testutil.Clusters;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.baseline.DummyClassifierTrainer;
import org.tribuo.datasource.ListDataSource;
import org.tribuo.evaluation.Evaluator;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RetrievalEvaluator} as a Tribuo {@link Evaluator} of an {@link EmbeddingModel} (the committed golden model
 * file, so no training): the model + dataset forms agree with the embedding-matrix form, per-class results carry
 * label names, predictions are the model's, and bad input (a non-finite embedding, one class) is refused.
 */
class RetrievalEvaluatorModelTest {

    private static final String[] NAMES = {"trouser", "bag", "coat"};

    private static EmbeddingModel model;

    @BeforeAll
    static void load() throws IOException, URISyntaxException {
        Path file = Path.of(RetrievalEvaluatorModelTest.class.getResource("/models/embedding-model-v1.dml4j").toURI());
        model = (EmbeddingModel) Model.deserializeFromFile(file).castModel(Label.class);
    }

    /** The golden model's kind of data (3 clusters, features f00..f09) with named labels. */
    private static MutableDataset<Label> named(int perClass, long seed) {
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> out = new MutableDataset<>(new SimpleDataSourceProvenance("named-" + seed, factory),
                factory);
        for (Example<Label> e : Clusters.dataset(3, perClass, 10, 1.0, seed)) {
            out.add(new ArrayExample<>(new Label(NAMES[Integer.parseInt(e.getOutput().getLabel())]), e, 1f));
        }
        return out;
    }

    private static int[] ids(Dataset<Label> data) {
        LabelIndex index = LabelIndex.of(data);
        int[] ids = new int[data.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = index.id(data.getExample(i).getOutput().getLabel());
        }
        return ids;
    }

    @Test
    void modelAndDatasetIsLeaveOneOutOnTheModelsEmbeddings() {
        MutableDataset<Label> data = named(6, 101);
        RetrievalEvaluation eval = new RetrievalEvaluator().evaluate(model, data);
        RetrievalEvaluation raw = new RetrievalEvaluator().evaluate(model.embed(data), ids(data), null, null,
                RetrievalMode.SELF);
        assertEquals(raw.summary(), eval.summary());
        assertEquals(List.of("bag", "coat", "trouser"), new ArrayList<>(eval.perClassMeans().keySet()));
        Map<String, Double> bag = eval.perClassMeans().get("bag");
        Map<String, Double> rawBag = raw.perClassMeans().get("0");
        assertEquals(rawBag, bag, "bag has id 0 (alphabetical)");
        assertTrue(eval.asMap().containsKey(new org.tribuo.evaluation.metrics.MetricID<>(
                new org.tribuo.evaluation.metrics.MetricTarget<>(new Label("coat")), MetricNames.MAP_AT_R)));
        assertSame(model.getProvenance(), eval.getProvenance().getModelProvenance());
        assertEquals(data.getProvenance(), eval.getProvenance().getTestDatasetProvenance());
    }

    @Test
    void predictionsAreTheModelsForTheQueries() {
        MutableDataset<Label> data = named(4, 102);
        List<Prediction<Label>> predictions = new RetrievalEvaluator().evaluate(model, data).getPredictions();
        assertEquals(data.size(), predictions.size());
        for (int i = 0; i < data.size(); i++) {
            Prediction<Label> expected = model.predict(data.getExample(i));
            assertEquals(expected.getOutput().getLabel(), predictions.get(i).getOutput().getLabel(), "example " + i);
            assertEquals(expected.getOutputScores(), predictions.get(i).getOutputScores(), "example " + i);
        }
        assertTrue(new RetrievalEvaluator().evaluate(model.embed(data), ids(data), null, null, RetrievalMode.SELF)
                .getPredictions().isEmpty(), "raw embeddings have no model to predict with");
    }

    @Test
    void everyTribuoFormGivesTheSameEvaluation() {
        MutableDataset<Label> data = named(5, 103);
        Evaluator<Label, RetrievalEvaluation> evaluator = new RetrievalEvaluator();
        Map<String, Double> expected = evaluator.evaluate(model, data).summary();
        List<Example<Label>> examples = new ArrayList<>();
        data.forEach(examples::add);
        ListDataSource<Label> source = new ListDataSource<>(examples, new LabelFactory(),
                new SimpleDataSourceProvenance("list", new LabelFactory()));
        assertEquals(expected, evaluator.evaluate(model, source).summary());
        List<Prediction<Label>> predictions = model.predict(data);
        RetrievalEvaluation fromPredictions = evaluator.evaluate(model, predictions, data.getProvenance());
        assertEquals(expected, fromPredictions.summary());
        assertEquals(predictions, fromPredictions.getPredictions());
        List<Label> truth = new ArrayList<>();
        data.forEach(e -> truth.add(e.getOutput()));
        assertEquals(expected, evaluator.evaluate(model, predictions, truth, data.getProvenance()).summary());
    }

    @Test
    void queryGalleryRanksTheGalleryForEveryQuery() {
        MutableDataset<Label> queries = named(3, 104);
        MutableDataset<Label> gallery = named(7, 105);
        RetrievalEvaluator evaluator = new RetrievalEvaluator(new int[]{1, 4}, KnnDistance.COSINE, 8, true, 5L);
        RetrievalEvaluation eval = evaluator.evaluate(model, queries, gallery);
        RetrievalEvaluation raw = evaluator.evaluate(model.embed(queries), ids(queries), model.embed(gallery),
                ids(gallery), RetrievalMode.SEPARATE);
        assertEquals(raw.summary(), eval.summary());
        assertEquals(queries.size(), eval.evaluatedQueryIndices().length);
        QueryGalleryProvenance provenance = (QueryGalleryProvenance) eval.getProvenance().getTestDatasetProvenance();
        assertEquals(queries.getProvenance(), provenance.queries());
        assertEquals(gallery.getProvenance(), provenance.gallery());
        assertEquals(queries.size(), eval.getPredictions().size());
    }

    @Test
    void aNonFiniteEmbeddingIsRefusedNamingTheExample() {
        MutableDataset<Label> data = named(4, 106);
        // a dataset refuses a NaN feature, a data source does not (nor do Tribuo's transformations)
        List<Example<Label>> examples = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            ArrayExample<Label> copy = new ArrayExample<>(data.getExample(i).getOutput(), data.getExample(i), 1f);
            if (i == 5) {
                copy.set(new Feature("f03", Double.NaN));
            }
            examples.add(copy);
        }
        ListDataSource<Label> poisoned = new ListDataSource<>(examples, new LabelFactory(),
                new SimpleDataSourceProvenance("poisoned", new LabelFactory()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RetrievalEvaluator().evaluate(model, poisoned));
        assertTrue(e.getMessage().startsWith("example 5 (label '" + data.getExample(5).getOutput().getLabel()
                + "') has a non-finite embedding (NaN in dimension "), e.getMessage());

        INDArray embeddings = model.embed(data);
        embeddings.putScalar(7, 2, Float.POSITIVE_INFINITY);
        IllegalArgumentException raw = assertThrows(IllegalArgumentException.class,
                () -> new RetrievalEvaluator().evaluate(embeddings, ids(data), null, null, RetrievalMode.SELF));
        assertTrue(raw.getMessage().startsWith("row 7 (label '"), raw.getMessage());
        assertTrue(raw.getMessage().contains("Infinity in dimension 2"), raw.getMessage());

        double[][] huge = {{1e308, 1e308}, {1e308, 1e308}, {0, 1}, {0, 2}};
        assertEquals(4, new RetrievalEvaluator().evaluate(huge, new int[]{0, 0, 1, 1}, null, null,
                RetrievalMode.SELF).evaluatedQueryIndices().length, "finite values whose sum overflows are finite");
    }

    @Test
    void oneClassIsRefusedInsteadOfScoringPerfectly() {
        MutableDataset<Label> data = named(4, 107);
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> bags = new MutableDataset<>(data.getProvenance(), factory);
        data.forEach(e -> bags.add(new ArrayExample<>(new Label("bag"), e, 1f)));
        IllegalArgumentException self = assertThrows(IllegalArgumentException.class,
                () -> new RetrievalEvaluator().evaluate(model, bags));
        assertTrue(self.getMessage().startsWith("every example has the label 'bag'"), self.getMessage());
        assertTrue(self.getMessage().contains("at least two classes"), self.getMessage());
        IllegalArgumentException gallery = assertThrows(IllegalArgumentException.class,
                () -> new RetrievalEvaluator().evaluate(model, data, bags));
        assertTrue(gallery.getMessage().startsWith("every reference has the label 'bag'"), gallery.getMessage());
        IllegalArgumentException raw = assertThrows(IllegalArgumentException.class,
                () -> new RetrievalEvaluator().evaluate(new double[][]{{0, 1}, {1, 0}, {1, 1}}, new int[]{4, 4, 4},
                        null, null, RetrievalMode.SELF));
        assertTrue(raw.getMessage().startsWith("every example has the label '4'"), raw.getMessage());
    }

    @Test
    void refusesModelsThatDoNotEmbedAndUnlabelledExamples() {
        MutableDataset<Label> data = named(2, 108);
        Model<Label> dummy = DummyClassifierTrainer.createMostFrequentTrainer().train(data);
        IllegalArgumentException notEmbedding = assertThrows(IllegalArgumentException.class,
                () -> new RetrievalEvaluator().evaluate(dummy, data));
        assertTrue(notEmbedding.getMessage().contains("needs an EmbeddingModel"), notEmbedding.getMessage());
        MutableDataset<Label> unlabelled = new MutableDataset<>(data.getProvenance(), new LabelFactory());
        data.forEach(e -> unlabelled.add(new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, e, 1f)));
        IllegalArgumentException noLabel = assertThrows(IllegalArgumentException.class,
                () -> new RetrievalEvaluator().evaluate(model, unlabelled));
        assertTrue(noLabel.getMessage().startsWith("example 0 has no label"), noLabel.getMessage());
    }

    @Test
    void pairedComparisonPairsTwoEvaluationsByQuery() {
        MutableDataset<Label> data = named(8, 109);
        RetrievalEvaluation euclidean = new RetrievalEvaluator().evaluate(model, data);
        RetrievalEvaluation cosine = new RetrievalEvaluator(new int[]{1, 2, 4, 8, 16}, KnnDistance.COSINE,
                RetrievalEvaluator.DEFAULT_BLOCK_SIZE, false, 1L).evaluate(model, data);
        PairedComparison c = PairedComparison.of(euclidean, cosine, MetricNames.MAP_AT_R, 500, 0.9, 3);
        assertEquals(PairedComparison.of(euclidean.perQuery(MetricNames.MAP_AT_R),
                cosine.perQuery(MetricNames.MAP_AT_R), 500, 0.9, 3), c);
        assertEquals(data.size(), c.n());
        RetrievalEvaluation other = new RetrievalEvaluator().evaluate(model, named(5, 109));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PairedComparison.of(euclidean, other, MetricNames.MAP_AT_R, 500, 0.9, 3));
        assertTrue(e.getMessage().contains("do not pair"), e.getMessage());
    }
}
