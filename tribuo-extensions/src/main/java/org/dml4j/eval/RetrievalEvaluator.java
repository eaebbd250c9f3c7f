package org.dml4j.eval;

import org.dml4j.index.ExactKnn;
import org.dml4j.index.KnnDistance;
import org.dml4j.index.RelevantRanks;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tribuo.provenance.DataProvenance;
import org.tribuo.provenance.ModelProvenance;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * Evaluates embeddings by retrieval: every query ranks the candidate references, a reference is relevant
 * when it shares the query's label.
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
public final class RetrievalEvaluator {
    /** The default K list. */
    private static final int[] DEFAULT_KS = {1, 2, 4, 8, 16};
    /** The extra NDCG cut-off always reported. */
    private static final int NDCG_EXTRA_K = 10;
    /** The default tile edge. */
    public static final int DEFAULT_BLOCK_SIZE = 1024;
    /** The default k-means seed. */
    public static final long DEFAULT_SEED = 1234L;

    private final int[] ks;
    private final KnnDistance distance;
    private final int blockSize;
    private final boolean clustering;
    private final long seed;
    private final boolean fullRanking;
    private final EvaluationProgress progress;

    /**
     * Creates an evaluator with K in {1, 2, 4, 8, 16}, Euclidean ranking, the default block size and
     * k-means NMI/AMI.
     */
    public RetrievalEvaluator() {
        this(DEFAULT_KS, KnnDistance.SQUARED_EUCLIDEAN, DEFAULT_BLOCK_SIZE, true, DEFAULT_SEED);
    }

    /**
     * Creates an evaluator.
     * @param ks The K list, each at least 1.
     * @param distance The ranking distance ({@link KnnDistance#SQUARED_EUCLIDEAN} ranks as Euclidean).
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
        if (distance == null) {
            throw new IllegalArgumentException("distance must not be null");
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
        if (mode == RetrievalMode.SELF) {
            if (references != null || referenceLabels != null) {
                throw new IllegalArgumentException("SELF mode takes the references from the queries; pass null");
            }
            references = queries;
            referenceLabels = queryLabels;
        }
        if (mode == RetrievalMode.QUERY_PREFIX_OF_REFERENCE) {
            checkPrefixLabels(queryLabels, referenceLabels);
        }
        int numCandidates = mode.excludesSameIndex() ? references.rows() - 1 : references.rows();
        RankedQueries ranked = rank(queries, queryLabels, references, referenceLabels, mode.excludesSameIndex(),
                numCandidates);
        double nmi = Double.NaN;
        double ami = Double.NaN;
        if (clustering) {
            int[] clusters = clusterQueries(queries, queryLabels);
            nmi = MutualInformation.nmi(queryLabels, clusters);
            ami = MutualInformation.ami(queryLabels, clusters);
        }
        ModelProvenance model = modelProvenance != null ? modelProvenance : new NoModelProvenance();
        DataProvenance data = dataProvenance != null ? dataProvenance
                : new RawEmbeddingsProvenance(queries.rows(), references.rows(),
                queries.columns(), mode);
        return assemble(ranked, queryLabels, nmi, ami, model, data);
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
    private RankedQueries rank(INDArray queries, int[] queryLabels, INDArray references, int[] referenceLabels,
                               boolean exclude, int numCandidates) {
        ExactKnn knn = new ExactKnn(distance, blockSize, blockSize);
        int[] cutoffs = cutoffs(numCandidates);
        TreeSet<Integer> ndcg = ndcgCutoffs(numCandidates);
        int minDepth = Math.max(1, Math.max(cutoffs.length == 0 ? 0 : cutoffs[cutoffs.length - 1],
                ndcg.isEmpty() ? 0 : ndcg.last()));
        BlockCounter counter = new BlockCounter(progress, blocks(queries.rows()));
        RelevantRanks top = knn.relevantTopRanks(queries, queryLabels, references, referenceLabels, exclude,
                minDepth, counter::walkDone);
        int[] exact = IntStream.range(0, top.numQueries())
                .filter(q -> top.numRelevant(q) > 0 && (fullRanking ? !top.isComplete(q) : top.ranks(q).length == 0))
                .toArray();
        RelevantRanks full = null;
        if (exact.length > 0) {
            counter.addWalks(2 * blocks(exact.length));
            full = knn.relevantRanks(queries, queryLabels, references, referenceLabels, exclude, exact,
                    counter::walkDone);
        }
        return new RankedQueries(top, exact, full, cutoffs, ndcg);
    }

    private int blocks(int rows) {
        return (rows + blockSize - 1) / blockSize;
    }

    private RetrievalEvaluation assemble(RankedQueries ranked, int[] queryLabels, double nmi, double ami,
                                         ModelProvenance model, DataProvenance data) {
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
        int[] labels = new int[m];
        for (int e = 0; e < m; e++) {
            int q = evaluated[e];
            int[] r = ranked.ranks(q);
            numRelevant[e] = r.length;
            labels[e] = queryLabels[q];
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
                model, data);
    }
}
