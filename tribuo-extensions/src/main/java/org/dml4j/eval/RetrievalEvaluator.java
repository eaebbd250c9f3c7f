package org.dml4j.eval;

import org.dml4j.data.LabelIndex;
import org.dml4j.index.ExactKnn;
import org.dml4j.index.KnnDistance;
import org.dml4j.index.RelevantRanks;
import org.dml4j.model.EmbeddingModel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tribuo.DataSource;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.evaluation.Evaluator;
import org.tribuo.provenance.DataProvenance;
import org.tribuo.provenance.ModelProvenance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Evaluates embeddings by retrieval: every query ranks the candidate references, a reference is relevant
 * when it shares the query's label.
 * <p>
 * <b>Use.</b> As a Tribuo {@link Evaluator}: {@link #evaluate(Model, Dataset)} embeds a dataset with an
 * {@link EmbeddingModel} and lets every example query all the others (leave-one-out);
 * {@link #evaluate(Model, Dataset, Dataset)} lets the examples of one dataset query those of another (a gallery).
 * Per-class results are keyed by label name and {@link RetrievalEvaluation#getPredictions()} holds the model's
 * predictions for the queries. Lower level, {@link #evaluate(INDArray, int[], INDArray, int[], RetrievalMode)}
 * takes embedding matrices and integer labels (the trainer's validation; other tools' output).
 * <p>
 * <b>Refused input.</b> A non-finite embedding value (one NaN row would otherwise sink every query's ranking) and
 * references of a single class (every candidate would be relevant, so every rank metric would be 1 whatever the
 * embeddings) are errors ({@link IllegalArgumentException} naming the example or the class), not numbers.
 * <p>
 * Reported per query, then averaged over the queries with at least one relevant candidate:
 * {@code precision_at_K}, {@code recall_at_K} (1 if any of the K nearest is relevant), {@code ir_recall_at_K}
 * for every K of the K list, {@code map_at_r}, {@code r_precision}, {@code mrr}, and {@code ndcg_at_K} for the
 * K list plus 10; with {@link #withFullRanking(boolean) full ranking} also {@code map} (average precision over
 * the full ranking). K values above the candidate count are dropped. Optionally {@code nmi} and {@code ami} of
 * a k-means clustering of the queries, with as many clusters as distinct query labels, against the query
 * labels (all queries).
 * <p>
 * <b>How it ranks, and why {@code map} is opt-in.</b> Every reported value is exact (the ranking is exact, ties
 * broken by reference index). One streaming top-k pass ({@link ExactKnn#relevantTopRanks}) keeps, per query,
 * its {@code max(R_q, largest K, 10)} nearest candidates ({@code R_q}: its relevant count), which decides every
 * metric above except two: the reciprocal rank of a query with no relevant reference in that list, and average
 * precision over the full ranking whenever a relevant reference ranks beyond it. The queries that need it, and
 * only those, then get the exact full-ranking pass ({@link ExactKnn#relevantRanks}, two more walks over all
 * references). For {@code mrr} these are few (a query whose whole top list is irrelevant), so it is always
 * reported; for {@code map} they are usually most queries, which doubles to triples the cost of an evaluation,
 * so full-ranking mAP is computed only when asked for with {@link #withFullRanking(boolean)}. The default
 * reports what the metric-learning literature reports (precision at 1, Recall@K, MAP@R, R-precision) at the
 * cost of one pass, as faiss + pytorch-metric-learning's {@code AccuracyCalculator} do with
 * {@code k = "max_bin_count"}; unlike PML's top-k {@code mean_average_precision}, DML4J never reports a mAP
 * truncated to the top list.
 * <p>
 * The ranking uses {@link ExactKnn}: exact, in (block &times; block) tiles, float32 inputs multiplied in
 * float32, memory O(block<sup>2</sup> + block &times; max L_q + sum of R_q). Conventions follow
 * pytorch-metric-learning's {@code AccuracyCalculator} (Musgrave et al., "A Metric Learning Reality Check",
 * 2020). An {@link EvaluationProgress} set with {@link #withProgress} hears of every block walk.
 */
public final class RetrievalEvaluator implements Evaluator<Label, RetrievalEvaluation> {
    /** The default K list. */
    private static final int[] DEFAULT_KS = {1, 2, 4, 8, 16};
    /** The extra NDCG cut-off always reported. */
    private static final int NDCG_EXTRA_K = 10;
    /** The default tile edge. */
    public static final int DEFAULT_BLOCK_SIZE = 1024;
    /** The default k-means seed. */
    public static final long DEFAULT_SEED = 1234L;

    private final int[] ks;
    /** The ranking distance, or null for the evaluated model's own (squared Euclidean for raw embeddings). */
    private final KnnDistance distance;
    private final int blockSize;
    private final boolean clustering;
    private final long seed;
    private final boolean fullRanking;
    private final EvaluationProgress progress;

    /**
     * Creates an evaluator with K in {1, 2, 4, 8, 16}, the default block size and k-means NMI/AMI, ranking as the
     * evaluated model does ({@link EmbeddingModel#distance()}: the distance its loss was trained with) and raw
     * embeddings by Euclidean distance.
     */
    public RetrievalEvaluator() {
        this(DEFAULT_KS, null, DEFAULT_BLOCK_SIZE, true, DEFAULT_SEED);
    }

    /**
     * Creates an evaluator.
     * @param ks The K list, each at least 1.
     * @param distance The ranking distance ({@link KnnDistance#SQUARED_EUCLIDEAN} ranks as Euclidean), or null to
     *                 rank as the evaluated model does ({@link EmbeddingModel#distance()}) and raw embeddings by
     *                 Euclidean distance.
     * @param blockSize The tile edge (queries and references per block), at least 1.
     * @param clustering Whether to compute NMI and AMI by k-means on the query embeddings.
     * @param seed The k-means seed.
     */
    public RetrievalEvaluator(int[] ks, KnnDistance distance, int blockSize, boolean clustering, long seed) {
        if (ks == null || ks.length == 0) {
            throw new IllegalArgumentException("ks must hold at least one value");
        }
        for (int k : ks) {
            if (k < 1) {
                throw new IllegalArgumentException("every K must be at least 1, found " + k);
            }
        }
        if (blockSize < 1) {
            throw new IllegalArgumentException("blockSize must be at least 1, found " + blockSize);
        }
        this.ks = ks.clone();
        this.distance = distance;
        this.blockSize = blockSize;
        this.clustering = clustering;
        this.seed = seed;
        this.fullRanking = false;
        this.progress = null;
    }

    private RetrievalEvaluator(RetrievalEvaluator base, boolean fullRanking, EvaluationProgress progress) {
        this.ks = base.ks;
        this.distance = base.distance;
        this.blockSize = base.blockSize;
        this.clustering = base.clustering;
        this.seed = base.seed;
        this.fullRanking = fullRanking;
        this.progress = progress;
    }

    /**
     * This evaluator, also reporting {@code map} (average precision over every relevant reference's exact rank
     * in the full ranking) or not (the default). With it, each query whose relevant references are not all in
     * its top list gets a second, exact full-ranking pass over all references.
     * @param full Whether to compute full-ranking mAP.
     * @return A new evaluator with that setting.
     */
    public RetrievalEvaluator withFullRanking(boolean full) {
        return new RetrievalEvaluator(this, full, progress);
    }

    /**
     * This evaluator, telling {@code listener} of its progress.
     * @param listener Receives the block walks done, or null for none.
     * @return A new evaluator with that listener.
     */
    public RetrievalEvaluator withProgress(EvaluationProgress listener) {
        return new RetrievalEvaluator(this, fullRanking, listener);
    }

    /**
     * Evaluates a model on a dataset by leave-one-out retrieval: every example queries all the others.
     * @param model An {@link EmbeddingModel}.
     * @param dataset The labelled examples, at least two classes.
     * @return The evaluation, with the model's and the dataset's provenance.
     * @throws IllegalArgumentException If the model is not an {@link EmbeddingModel}, an example has no label or
     *                                  a non-finite embedding, or the dataset holds one class.
     */
    @Override
    public RetrievalEvaluation evaluate(Model<Label> model, Dataset<Label> dataset) {
        List<Example<Label>> examples = new ArrayList<>(dataset.size());
        dataset.forEach(examples::add);
        return leaveOneOut(embeddingModel(model), examples, dataset.getProvenance(), () -> model.predict(dataset));
    }

    /**
     * Evaluates a model on the examples of a data source by leave-one-out retrieval.
     * @param model An {@link EmbeddingModel}.
     * @param source The labelled examples, at least two classes.
     * @return The evaluation, with the model's and the source's provenance.
     * @throws IllegalArgumentException As {@link #evaluate(Model, Dataset)}.
     */
    @Override
    public RetrievalEvaluation evaluate(Model<Label> model, DataSource<Label> source) {
        List<Example<Label>> examples = new ArrayList<>();
        source.forEach(examples::add);
        return leaveOneOut(embeddingModel(model), examples, source.getProvenance(), () -> model.predict(examples));
    }

    /**
     * Evaluates a model by leave-one-out retrieval on the examples of its predictions (each re-embedded with the
     * model); the evaluation keeps the predictions.
     * @param model An {@link EmbeddingModel}.
     * @param predictions The model's predictions, whose examples carry the true labels.
     * @param dataProvenance The provenance of the examples.
     * @return The evaluation.
     * @throws IllegalArgumentException As {@link #evaluate(Model, Dataset)}.
     */
    @Override
    public RetrievalEvaluation evaluate(Model<Label> model, List<Prediction<Label>> predictions,
                                        DataProvenance dataProvenance) {
        List<Example<Label>> examples = new ArrayList<>(predictions.size());
        predictions.forEach(p -> examples.add(p.getExample()));
        List<Prediction<Label>> given = List.copyOf(predictions);
        return leaveOneOut(embeddingModel(model), examples, dataProvenance, () -> given);
    }

    /**
     * Evaluates a model by query/gallery retrieval: every example of {@code queries} ranks every example of
     * {@code gallery} (no example is left out; the two datasets are distinct examples).
     * @param model An {@link EmbeddingModel}.
     * @param queries The labelled query examples.
     * @param gallery The labelled examples the queries search, at least two classes.
     * @return The evaluation, with the model's provenance and a {@link QueryGalleryProvenance}; its predictions
     *         are the model's for the queries.
     * @throws IllegalArgumentException As {@link #evaluate(Model, Dataset)}.
     */
    public RetrievalEvaluation evaluate(Model<Label> model, Dataset<Label> queries, Dataset<Label> gallery) {
        EmbeddingModel embedder = embeddingModel(model);
        List<Example<Label>> queryExamples = new ArrayList<>(queries.size());
        queries.forEach(queryExamples::add);
        List<Example<Label>> galleryExamples = new ArrayList<>(gallery.size());
        gallery.forEach(galleryExamples::add);
        String[] queryNames = labelNames(queryExamples, "query example");
        String[] galleryNames = labelNames(galleryExamples, "gallery example");
        List<String> all = new ArrayList<>(Arrays.asList(queryNames));
        all.addAll(Arrays.asList(galleryNames));
        LabelIndex index = LabelIndex.of(all);
        return evaluate(new Rows(embedder.embed(queryExamples), ids(queryNames, index), "query example"),
                new Rows(embedder.embed(galleryExamples), ids(galleryNames, index), "gallery example"),
                RetrievalMode.SEPARATE, rankingOf(embedder), index::name, model.getProvenance(),
                new QueryGalleryProvenance(queries.getProvenance(), gallery.getProvenance()),
                () -> model.predict(queries));
    }

    private RetrievalEvaluation leaveOneOut(EmbeddingModel model, List<Example<Label>> examples,
                                            DataProvenance data, Supplier<List<Prediction<Label>>> predictions) {
        String[] names = labelNames(examples, "example");
        LabelIndex index = LabelIndex.of(Arrays.asList(names));
        return evaluate(new Rows(model.embed(examples), ids(names, index), "example"), null, RetrievalMode.SELF,
                rankingOf(model), index::name, model.getProvenance(), data, predictions);
    }

    /** The distance a model's evaluation ranks by: the configured one, else the model's own. */
    private KnnDistance rankingOf(EmbeddingModel model) {
        return distance != null ? distance : model.distance();
    }

    private static EmbeddingModel embeddingModel(Model<Label> model) {
        if (model instanceof EmbeddingModel embedder) {
            return embedder;
        }
        throw new IllegalArgumentException("RetrievalEvaluator ranks embeddings, so it needs an EmbeddingModel "
                + "(trained by MetricLearningTrainer); got " + (model == null ? "null" : model.getClass().getName()));
    }

    private static String[] labelNames(List<Example<Label>> examples, String noun) {
        String[] names = new String[examples.size()];
        for (int i = 0; i < names.length; i++) {
            Label label = examples.get(i).getOutput();
            if (label == null || Label.UNKNOWN.equals(label.getLabel())) {
                throw new IllegalArgumentException(noun + " " + i + " has no label; retrieval needs every "
                        + "example's true label to tell relevant results from the others");
            }
            names[i] = label.getLabel();
        }
        return names;
    }

    private static int[] ids(String[] names, LabelIndex index) {
        int[] ids = new int[names.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = index.id(names[i]);
        }
        return ids;
    }

    /**
     * Evaluates float64 matrices, for example a golden file or another tool's output.
     * @param queries The query rows.
     * @param queryLabels The query labels.
     * @param references The reference rows; must be null in {@link RetrievalMode#SELF} mode.
     * @param referenceLabels The reference labels; must be null in {@link RetrievalMode#SELF} mode.
     * @param mode How queries relate to references.
     * @return The evaluation.
     */
    public RetrievalEvaluation evaluate(double[][] queries, int[] queryLabels, double[][] references,
                                        int[] referenceLabels, RetrievalMode mode) {
        return evaluate(Nd4j.create(queries), queryLabels, references == null ? null : Nd4j.create(references),
                referenceLabels, mode);
    }

    /**
     * Evaluates embedding matrices (float32 or float64) with no model provenance.
     * @param queries The query rows (Q&times;d).
     * @param queryLabels The query labels.
     * @param references The reference rows (N&times;d); must be null in {@link RetrievalMode#SELF} mode.
     * @param referenceLabels The reference labels; must be null in {@link RetrievalMode#SELF} mode.
     * @param mode How queries relate to references.
     * @return The evaluation, with {@link NoModelProvenance} and {@link RawEmbeddingsProvenance}.
     */
    public RetrievalEvaluation evaluate(INDArray queries, int[] queryLabels, INDArray references,
                                        int[] referenceLabels, RetrievalMode mode) {
        return evaluate(queries, queryLabels, references, referenceLabels, mode, null, null);
    }

    /**
     * Evaluates embedding matrices produced by a Tribuo model from a Tribuo dataset.
     * @param queries The query rows (Q&times;d).
     * @param queryLabels The query labels.
     * @param references The reference rows (N&times;d); must be null in {@link RetrievalMode#SELF} mode.
     * @param referenceLabels The reference labels; must be null in {@link RetrievalMode#SELF} mode.
     * @param mode How queries relate to references.
     * @param modelProvenance The provenance of the embedding model, or null for {@link NoModelProvenance}.
     * @param dataProvenance The provenance of the evaluated data, or null for {@link RawEmbeddingsProvenance}.
     * @return The evaluation.
     */
    public RetrievalEvaluation evaluate(INDArray queries, int[] queryLabels, INDArray references,
                                        int[] referenceLabels, RetrievalMode mode,
                                        ModelProvenance modelProvenance, DataProvenance dataProvenance) {
        if (mode == null) {
            throw new IllegalArgumentException("mode must not be null");
        }
        if (mode == RetrievalMode.SELF && (references != null || referenceLabels != null)) {
            throw new IllegalArgumentException("SELF mode takes the references from the queries; pass null");
        }
        Rows queryRows = new Rows(queries, queryLabels, mode == RetrievalMode.SELF ? "row" : "query row");
        Rows referenceRows = mode == RetrievalMode.SELF ? null : new Rows(references, referenceLabels,
                "reference row");
        return evaluate(queryRows, referenceRows, mode, distance != null ? distance : KnnDistance.SQUARED_EUCLIDEAN,
                String::valueOf, modelProvenance, dataProvenance, List::of);
    }

    /**
     * Evaluates queries against references ranked elsewhere (for example sharded over a cluster): the ranking
     * decides the distance, and must refuse non-finite reference rows itself; this evaluator checks the queries
     * and the reference labels, asks the ranking for the top lists (and, where a metric needs it, the full ranking
     * of some queries) and computes every metric as for matrices in this JVM, from the same ranks.
     * @param queries The query rows (Q&times;d), for the NMI/AMI clustering and the finiteness check.
     * @param queryLabels The query labels.
     * @param referenceLabels Every reference's label, in reference order (the query labels in
     *                        {@link RetrievalMode#SELF} mode).
     * @param mode How queries relate to references.
     * @param ranking Ranks the queries against the references.
     * @param labelName The name of an integer label, for per-class results and messages.
     * @param modelProvenance The provenance of the embedding model, or null for {@link NoModelProvenance}.
     * @param dataProvenance The provenance of the evaluated data, or null for {@link RawEmbeddingsProvenance}.
     * @return The evaluation.
     */
    public RetrievalEvaluation evaluate(INDArray queries, int[] queryLabels, int[] referenceLabels,
                                        RetrievalMode mode, ReferenceRanking ranking, IntFunction<String> labelName,
                                        ModelProvenance modelProvenance, DataProvenance dataProvenance) {
        if (mode == null || ranking == null || referenceLabels == null) {
            throw new IllegalArgumentException("mode, ranking and referenceLabels must not be null");
        }
        return evaluate(new Rows(queries, queryLabels, "query row"), null, referenceLabels, "reference row", mode,
                ranking, labelName, modelProvenance, dataProvenance, List::of);
    }

    /** Embedding rows, their integer labels and what a row is called in an error message. */
    private record Rows(INDArray embeddings, int[] labels, String noun) {
        Rows {
            if (embeddings == null || labels == null) {
                throw new IllegalArgumentException("the " + noun + "s and their labels must not be null");
            }
            if (embeddings.rows() != labels.length) {
                throw new IllegalArgumentException(embeddings.rows() + " " + noun + "s but " + labels.length
                        + " labels; give one label per row");
            }
        }
    }

    /**
     * The one evaluation path of every public form: checks, ranks and assembles.
     * @param queries The queries.
     * @param references The references, or null in {@link RetrievalMode#SELF} mode.
     * @param mode How queries relate to references.
     * @param ranking The ranking distance.
     * @param labelName The name of an integer label, for per-class results and messages.
     * @param modelProvenance The model's provenance, or null for {@link NoModelProvenance}.
     * @param dataProvenance The data's provenance, or null for {@link RawEmbeddingsProvenance}.
     * @param predictions Computes the model's predictions for the queries when first asked.
     * @return The evaluation.
     */
    private RetrievalEvaluation evaluate(Rows queries, Rows references, RetrievalMode mode, KnnDistance ranking,
                                         IntFunction<String> labelName, ModelProvenance modelProvenance,
                                         DataProvenance dataProvenance,
                                         Supplier<List<Prediction<Label>>> predictions) {
        Rows candidates = references == null ? queries : references;
        ExactKnn knn = new ExactKnn(ranking, blockSize, blockSize);
        boolean exclude = mode.excludesSameIndex();
        INDArray q = queries.embeddings();
        int[] ql = queries.labels();
        INDArray r = candidates.embeddings();
        int[] rl = candidates.labels();
        ReferenceRanking local = new ReferenceRanking() {
            @Override
            public RelevantRanks topRanks(int minDepth, Runnable afterBlock) {
                return knn.relevantTopRanks(q, ql, r, rl, exclude, minDepth, afterBlock);
            }

            @Override
            public RelevantRanks fullRanks(int[] queryRows, Runnable afterWalk) {
                return knn.relevantRanks(q, ql, r, rl, exclude, queryRows, afterWalk);
            }
        };
        return evaluate(queries, references, candidates.labels(), candidates.noun(), mode, local, labelName,
                modelProvenance, dataProvenance, predictions);
    }

    /**
     * The evaluation of queries against references ranked by {@code ranking}: checks (the reference rows too when
     * given), ranks and assembles.
     */
    private RetrievalEvaluation evaluate(Rows queries, Rows references, int[] referenceLabels, String referenceNoun,
                                         RetrievalMode mode, ReferenceRanking ranking,
                                         IntFunction<String> labelName, ModelProvenance modelProvenance,
                                         DataProvenance dataProvenance,
                                         Supplier<List<Prediction<Label>>> predictions) {
        if (mode == RetrievalMode.QUERY_PREFIX_OF_REFERENCE) {
            checkPrefixLabels(queries.labels(), referenceLabels);
        }
        requireFinite(queries, labelName);
        if (references != null) {
            requireFinite(references, labelName);
        }
        requireTwoClasses(referenceLabels, referenceNoun, mode, labelName);
        INDArray queryRows = queries.embeddings();
        int[] queryLabels = queries.labels();
        int numCandidates = mode.excludesSameIndex() ? referenceLabels.length - 1 : referenceLabels.length;
        RankedQueries ranked = rank(ranking, queryRows.rows(), numCandidates);
        double nmi = Double.NaN;
        double ami = Double.NaN;
        if (clustering) {
            int[] clusters = clusterQueries(queryRows, queryLabels);
            nmi = MutualInformation.nmi(queryLabels, clusters);
            ami = MutualInformation.ami(queryLabels, clusters);
        }
        ModelProvenance model = modelProvenance != null ? modelProvenance : new NoModelProvenance();
        DataProvenance data = dataProvenance != null ? dataProvenance
                : new RawEmbeddingsProvenance(queryRows.rows(), referenceLabels.length, queryRows.columns(), mode);
        return assemble(ranked, queryLabels, labelName, nmi, ami, model, data, predictions);
    }

    /**
     * Refuses a non-finite value: one NaN row is at distance NaN from every row and upsets every ranking. A finite
     * sum proves every value finite in one fast reduction; only a non-finite sum (a non-finite value, or an overflow
     * of huge finite ones) walks the rows.
     */
    private static void requireFinite(Rows rows, IntFunction<String> labelName) {
        INDArray m = rows.embeddings();
        if (Double.isFinite(m.sumNumber().doubleValue())) {
            return;
        }
        for (int r = 0; r < m.rows(); r++) {
            double[] row = m.getRow(r).toDoubleVector();
            for (int c = 0; c < row.length; c++) {
                if (!Double.isFinite(row[c])) {
                    throw new IllegalArgumentException(rows.noun() + " " + r + " (label '"
                            + labelName.apply(rows.labels()[r]) + "') has a non-finite embedding (" + row[c]
                            + " in dimension " + c + "): check that example's features for NaN or infinite "
                            + "values, and that the model did not diverge in training");
                }
            }
        }
    }

    /** Refuses references of one class: every candidate would be relevant and every metric 1, uninformatively. */
    private static void requireTwoClasses(int[] labels, String noun, RetrievalMode mode,
                                          IntFunction<String> labelName) {
        if (labels.length == 0) {
            throw new IllegalArgumentException("no " + noun + "s to rank");
        }
        if (Arrays.stream(labels).allMatch(l -> l == labels[0])) {
            throw new IllegalArgumentException("every " + (mode == RetrievalMode.SELF ? "example" : "reference")
                    + " has the label '" + labelName.apply(labels[0]) + "', so every candidate is relevant and "
                    + "every rank metric would be 1 whatever the embeddings; evaluate on data with at least two "
                    + "classes");
        }
    }

    private static void checkPrefixLabels(int[] queryLabels, int[] referenceLabels) {
        if (referenceLabels == null || queryLabels.length > referenceLabels.length) {
            throw new IllegalArgumentException("QUERY_PREFIX_OF_REFERENCE needs at least as many references as queries");
        }
        for (int i = 0; i < queryLabels.length; i++) {
            if (queryLabels[i] != referenceLabels[i]) {
                throw new IllegalArgumentException("QUERY_PREFIX_OF_REFERENCE: query " + i + " has label "
                        + queryLabels[i] + " but reference " + i + " has label " + referenceLabels[i]);
            }
        }
    }

    private int[] clusterQueries(INDArray queries, int[] queryLabels) {
        int k = (int) Arrays.stream(queryLabels).distinct().count();
        double[][] rows = queries.castTo(DataType.DOUBLE).toDoubleMatrix();
        return KMeansClustering.cluster(rows, k, seed);
    }

    /** The cut-offs of precision, recall and IR recall: the K list within the candidate count. */
    private int[] cutoffs(int numCandidates) {
        return Arrays.stream(ks).filter(k -> k <= numCandidates).distinct().sorted().toArray();
    }

    /** The NDCG cut-offs: the K list plus {@value #NDCG_EXTRA_K}, within the candidate count. */
    private TreeSet<Integer> ndcgCutoffs(int numCandidates) {
        TreeSet<Integer> ndcgSet = new TreeSet<>();
        Arrays.stream(cutoffs(numCandidates)).forEach(ndcgSet::add);
        if (NDCG_EXTRA_K <= numCandidates) {
            ndcgSet.add(NDCG_EXTRA_K);
        }
        return ndcgSet;
    }

    /** The per-query ranks the metrics need: the top lists, and the exact full ranking where they fall short. */
    private RankedQueries rank(ReferenceRanking ranking, int numQueries, int numCandidates) {
        int[] cutoffs = cutoffs(numCandidates);
        TreeSet<Integer> ndcg = ndcgCutoffs(numCandidates);
        int minDepth = Math.max(1, Math.max(cutoffs.length == 0 ? 0 : cutoffs[cutoffs.length - 1],
                ndcg.isEmpty() ? 0 : ndcg.last()));
        BlockCounter counter = new BlockCounter(progress, blocks(numQueries));
        RelevantRanks top = ranking.topRanks(minDepth, counter::walkDone);
        int[] exact = IntStream.range(0, top.numQueries())
                .filter(q -> top.numRelevant(q) > 0 && (fullRanking ? !top.isComplete(q) : top.ranks(q).length == 0))
                .toArray();
        RelevantRanks full = null;
        if (exact.length > 0) {
            counter.addWalks(2 * blocks(exact.length));
            full = ranking.fullRanks(exact, counter::walkDone);
        }
        return new RankedQueries(top, exact, full, cutoffs, ndcg);
    }

    private int blocks(int rows) {
        return (rows + blockSize - 1) / blockSize;
    }

    private RetrievalEvaluation assemble(RankedQueries ranked, int[] queryLabels, IntFunction<String> labelName,
                                         double nmi, double ami, ModelProvenance model, DataProvenance data,
                                         Supplier<List<Prediction<Label>>> predictions) {
        RelevantRanks top = ranked.top;
        int[] cutoffs = ranked.cutoffs;
        int[] evaluated = IntStream.range(0, top.numQueries())
                .filter(q -> top.numRelevant(q) > 0).toArray();
        int m = evaluated.length;
        Map<String, double[]> perQuery = new LinkedHashMap<>();
        for (int k : cutoffs) {
            perQuery.put(MetricNames.precisionAt(k), new double[m]);
            perQuery.put(MetricNames.recallAt(k), new double[m]);
            perQuery.put(MetricNames.irRecallAt(k), new double[m]);
        }
        if (fullRanking) {
            perQuery.put(MetricNames.MAP, new double[m]);
        }
        perQuery.put(MetricNames.MAP_AT_R, new double[m]);
        perQuery.put(MetricNames.R_PRECISION, new double[m]);
        perQuery.put(MetricNames.MRR, new double[m]);
        for (int k : ranked.ndcg) {
            perQuery.put(MetricNames.ndcgAt(k), new double[m]);
        }
        int[] numRelevant = new int[m];
        String[] labels = new String[m];
        for (int e = 0; e < m; e++) {
            int q = evaluated[e];
            int[] r = ranked.ranks(q);
            numRelevant[e] = r.length;
            labels[e] = labelName.apply(queryLabels[q]);
            for (int k : cutoffs) {
                perQuery.get(MetricNames.precisionAt(k))[e] = RankMetrics.precisionAt(r, k);
                perQuery.get(MetricNames.recallAt(k))[e] = RankMetrics.recallAt(r, k);
                perQuery.get(MetricNames.irRecallAt(k))[e] = RankMetrics.irRecallAt(r, k);
            }
            if (fullRanking) {
                perQuery.get(MetricNames.MAP)[e] = RankMetrics.averagePrecision(r);
            }
            perQuery.get(MetricNames.MAP_AT_R)[e] = RankMetrics.averagePrecisionAtR(r);
            perQuery.get(MetricNames.R_PRECISION)[e] = RankMetrics.rPrecision(r);
            perQuery.get(MetricNames.MRR)[e] = RankMetrics.reciprocalRank(r);
            for (int k : ranked.ndcg) {
                perQuery.get(MetricNames.ndcgAt(k))[e] = RankMetrics.ndcgAt(r, k);
            }
        }
        return new RetrievalEvaluation(perQuery, evaluated, numRelevant, labels, top.numQueries() - m, nmi, ami,
                model, data, predictions);
    }
}
