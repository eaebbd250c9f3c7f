package org.dml4j.eval;

import org.dml4j.index.KnnDistance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.evaluation.metrics.MetricID;
import org.tribuo.evaluation.metrics.MetricTarget;
import org.tribuo.provenance.EvaluationProvenance;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetrievalEvaluatorTest {
    private static final int[] KS = {1, 2, 4, 8, 16};

    /** Random data: {queries, references}, labels in [0, classes). */
    private static final class Data {
        final double[][] queries;
        final int[] queryLabels;
        final double[][] references;
        final int[] referenceLabels;

        Data(long seed, int q, int n, int d, int classes) {
            Random rng = new Random(seed);
            queries = new double[q][d];
            queryLabels = new int[q];
            references = new double[n][d];
            referenceLabels = new int[n];
            fill(rng, queries, queryLabels, classes);
            fill(rng, references, referenceLabels, classes);
        }

        private static void fill(Random rng, double[][] x, int[] labels, int classes) {
            for (int i = 0; i < x.length; i++) {
                labels[i] = rng.nextInt(classes);
                for (int j = 0; j < x[i].length; j++) {
                    x[i][j] = rng.nextGaussian() + 0.7 * (labels[i] == j % classes ? 1 : 0);
                }
            }
        }
    }

    /** An evaluator with full ranking, so that every metric (mAP included) is checked. */
    private static RetrievalEvaluator evaluator(int blockSize) {
        return new RetrievalEvaluator(KS, KnnDistance.SQUARED_EUCLIDEAN, blockSize, true, 1234L).withFullRanking(true);
    }

    private static RetrievalEvaluation run(RetrievalEvaluator e, Data data, RetrievalMode mode) {
        if (mode == RetrievalMode.SELF) {
            return e.evaluate(data.references, data.referenceLabels, null, null, mode);
        }
        double[][] q = mode == RetrievalMode.QUERY_PREFIX_OF_REFERENCE
                ? Arrays.copyOf(data.references, data.queries.length) : data.queries;
        int[] ql = mode == RetrievalMode.QUERY_PREFIX_OF_REFERENCE
                ? Arrays.copyOf(data.referenceLabels, data.queries.length) : data.queryLabels;
        return e.evaluate(q, ql, data.references, data.referenceLabels, mode);
    }

    @ParameterizedTest
    @EnumSource(RetrievalMode.class)
    void metricsLieInUnitInterval(RetrievalMode mode) {
        RetrievalEvaluation eval = run(evaluator(64), new Data(1, 40, 90, 6, 5), mode);
        for (String name : eval.metricNames()) {
            for (double v : eval.perQuery(name)) {
                assertTrue(v >= 0.0 && v <= 1.0, name + "=" + v);
            }
            double mean = eval.means().get(name);
            assertTrue(mean >= 0.0 && mean <= 1.0, name + "=" + mean);
        }
        assertTrue(eval.nmi() >= 0.0 && eval.nmi() <= 1.0);
        assertTrue(eval.ami() <= 1.0);
    }

    @ParameterizedTest
    @EnumSource(RetrievalMode.class)
    void blockSizeDoesNotChangeResults(RetrievalMode mode) {
        Data data = new Data(2, 45, 100, 8, 6);
        RetrievalEvaluation small = run(evaluator(7), data, mode);
        RetrievalEvaluation large = run(evaluator(1000), data, mode);
        assertArrayEquals(large.evaluatedQueryIndices(), small.evaluatedQueryIndices());
        for (String name : large.metricNames()) {
            assertArrayEquals(large.perQuery(name), small.perQuery(name), 1e-12, name);
        }
        assertEquals(large.summary(), small.summary());
    }

    @Test
    void permutingTheGalleryDoesNotChangeResults() {
        Data data = new Data(3, 30, 80, 5, 4);
        int n = data.references.length;
        Integer[] perm = new Integer[n];
        Arrays.setAll(perm, i -> i);
        java.util.Collections.shuffle(Arrays.asList(perm), new Random(9));
        double[][] refs = new double[n][];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            refs[i] = data.references[perm[i]];
            labels[i] = data.referenceLabels[perm[i]];
        }
        RetrievalEvaluator e = evaluator(16);
        RetrievalEvaluation original = e.evaluate(data.queries, data.queryLabels, data.references,
                data.referenceLabels, RetrievalMode.SEPARATE);
        RetrievalEvaluation permuted = e.evaluate(data.queries, data.queryLabels, refs, labels,
                RetrievalMode.SEPARATE);
        for (String name : original.metricNames()) {
            assertArrayEquals(original.perQuery(name), permuted.perQuery(name), 1e-12, name);
        }
        assertEquals(original.summary(), permuted.summary());
    }

    @ParameterizedTest
    @EnumSource(value = KnnDistance.class, names = {"SQUARED_EUCLIDEAN", "COSINE"})
    void perfectlySeparatedClassesScoreOne(KnnDistance distance) {
        int classes = 5;
        int perClass = 20;
        double[][] x = new double[classes * perClass][classes];
        int[] labels = new int[x.length];
        Random rng = new Random(4);
        for (int i = 0; i < x.length; i++) {
            labels[i] = i % classes;
            for (int j = 0; j < classes; j++) {
                x[i][j] = (j == labels[i] ? 10.0 : 0.0) + 0.01 * rng.nextGaussian();
            }
        }
        RetrievalEvaluation eval = new RetrievalEvaluator(KS, distance, 13, true, 1234L)
                .evaluate(x, labels, null, null, RetrievalMode.SELF);
        for (Map.Entry<String, Double> e : eval.summary().entrySet()) {
            if (!e.getKey().startsWith("num_") && !e.getKey().startsWith("ir_recall")) {
                assertEquals(1.0, e.getValue(), 1e-12, e.getKey());
            }
        }
        // IR recall at K is bounded by K / R, here R = 19
        assertEquals(16.0 / 19.0, eval.summary().get(MetricNames.irRecallAt(16)), 1e-12);
        assertEquals(0.0, eval.summary().get(MetricNames.NUM_LONE_QUERIES));
    }

    @Test
    void loneQueriesAreExcludedAndCounted() {
        double[][] refs = {{0, 0}, {0, 1}, {5, 5}, {5, 6}, {9, 9}};
        int[] refLabels = {0, 0, 1, 1, 2};
        double[][] queries = {{0, 0.2}, {5, 5.2}, {3, 3}};
        int[] queryLabels = {0, 1, 7};
        RetrievalEvaluation eval = new RetrievalEvaluator(KS, KnnDistance.SQUARED_EUCLIDEAN, 2, false, 1L)
                .withFullRanking(true).evaluate(queries, queryLabels, refs, refLabels, RetrievalMode.SEPARATE);
        assertEquals(1, eval.numLoneQueries());
        assertArrayEquals(new int[]{0, 1}, eval.evaluatedQueryIndices());
        assertEquals(1.0, eval.means().get(MetricNames.MAP), 0.0);
        // K list limited to the 5 candidates; NDCG@10 dropped
        assertEquals(List.of("precision_at_1", "recall_at_1", "ir_recall_at_1", "precision_at_2", "recall_at_2",
                "ir_recall_at_2", "precision_at_4", "recall_at_4", "ir_recall_at_4", "map", "map_at_r",
                "r_precision", "mrr", "ndcg_at_1", "ndcg_at_2", "ndcg_at_4"), List.copyOf(eval.metricNames()));
        assertTrue(Double.isNaN(eval.nmi()));
        assertFalse(eval.summary().containsKey(MetricNames.NMI));
        // the lone self-singleton in SELF mode: class 2 has one member
        RetrievalEvaluation self = new RetrievalEvaluator().evaluate(refs, refLabels, null, null, RetrievalMode.SELF);
        assertEquals(1, self.numLoneQueries());
    }

    /** Integer-grid data (exact ties, duplicates) with skewed class sizes, singletons and absent labels. */
    private static Data tiedData(long seed, int q, int n) {
        Data data = new Data(seed, q, n, 3, 4);
        Random rng = new Random(seed);
        for (double[][] x : new double[][][]{data.queries, data.references}) {
            for (double[] row : x) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = rng.nextInt(3);
                }
            }
        }
        for (int[] labels : new int[][]{data.queryLabels, data.referenceLabels}) {
            for (int i = 0; i < labels.length; i++) {
                labels[i] = rng.nextInt(2) == 0 ? 0 : (rng.nextInt(4) == 0 ? 100 + i : 1 + rng.nextInt(5));
            }
        }
        return data;
    }

    /** Per evaluated query, its relevant ranks in a brute-force float64 ranking (ties by reference index). */
    private static int[][] bruteForceRanks(double[][] q, int[] ql, double[][] r, int[] rl, boolean exclude) {
        int[][] out = new int[q.length][];
        for (int i = 0; i < q.length; i++) {
            final int query = i;
            double[] d = new double[r.length];
            for (int j = 0; j < r.length; j++) {
                for (int c = 0; c < r[j].length; c++) {
                    d[j] += (q[i][c] - r[j][c]) * (q[i][c] - r[j][c]);
                }
            }
            Integer[] order = java.util.stream.IntStream.range(0, r.length).filter(j -> !exclude || j != query)
                    .boxed().sorted(java.util.Comparator.<Integer>comparingDouble(j -> d[j]).thenComparingInt(j -> j))
                    .toArray(Integer[]::new);
            out[i] = java.util.stream.IntStream.range(0, order.length).filter(p -> rl[order[p]] == ql[query])
                    .map(p -> p + 1).toArray();
        }
        return out;
    }

    /** The reference value of one metric, by name, from complete ranks. */
    private static double reference(String name, int[] ranks) {
        if (name.equals(MetricNames.MAP)) {
            return RankMetrics.averagePrecision(ranks);
        } else if (name.equals(MetricNames.MAP_AT_R)) {
            return RankMetrics.averagePrecisionAtR(ranks);
        } else if (name.equals(MetricNames.R_PRECISION)) {
            return RankMetrics.rPrecision(ranks);
        } else if (name.equals(MetricNames.MRR)) {
            return RankMetrics.reciprocalRank(ranks);
        }
        int k = Integer.parseInt(name.substring(name.lastIndexOf('_') + 1));
        if (name.startsWith("precision_at_")) {
            return RankMetrics.precisionAt(ranks, k);
        } else if (name.startsWith("recall_at_")) {
            return RankMetrics.recallAt(ranks, k);
        } else if (name.startsWith("ir_recall_at_")) {
            return RankMetrics.irRecallAt(ranks, k);
        }
        return RankMetrics.ndcgAt(ranks, k);
    }

    /**
     * The one-pass default (top lists, full ranking only for MRR beyond them) and the full-ranking evaluator
     * against a brute-force ranking, per query and metric, under ties, skewed class sizes and lone queries,
     * with several block sizes (the self layout also takes the symmetric walk).
     */
    @ParameterizedTest
    @EnumSource(RetrievalMode.class)
    void topListAndFullRankingAgreeWithBruteForce(RetrievalMode mode) {
        Data data = tiedData(31, 30, 70);
        double[][] q = mode == RetrievalMode.SELF ? data.references : mode == RetrievalMode.QUERY_PREFIX_OF_REFERENCE
                ? Arrays.copyOf(data.references, data.queries.length) : data.queries;
        int[] ql = mode == RetrievalMode.SELF ? data.referenceLabels : mode == RetrievalMode.QUERY_PREFIX_OF_REFERENCE
                ? Arrays.copyOf(data.referenceLabels, data.queries.length) : data.queryLabels;
        int[][] expected = bruteForceRanks(q, ql, data.references, data.referenceLabels, mode.excludesSameIndex());
        for (int block : new int[]{1, 6, 1000}) {
            for (boolean full : new boolean[]{false, true}) {
                RetrievalEvaluation eval = run(new RetrievalEvaluator(new int[]{1, 3, 16}, KnnDistance.SQUARED_EUCLIDEAN,
                        block, false, 1L).withFullRanking(full), data, mode);
                assertEquals(full, eval.metricNames().contains(MetricNames.MAP), "map reported only with full ranking");
                int[] evaluated = eval.evaluatedQueryIndices();
                assertArrayEquals(java.util.stream.IntStream.range(0, q.length).filter(i -> expected[i].length > 0)
                        .toArray(), evaluated);
                assertTrue(eval.numLoneQueries() > 0, "the data has lone queries");
                for (String name : eval.metricNames()) {
                    double[] got = eval.perQuery(name);
                    for (int e = 0; e < evaluated.length; e++) {
                        assertEquals(reference(name, expected[evaluated[e]]), got[e], 1e-12,
                                mode + " block " + block + " full " + full + " " + name + " of query "
                                        + evaluated[e]);
                    }
                }
            }
        }
    }

    /** A query whose top list holds no relevant reference still gets its exact reciprocal rank. */
    @Test
    void reciprocalRankBeyondTheTopListIsExact() {
        double[][] refs = new double[31][1];
        int[] refLabels = new int[31];
        for (int i = 0; i < 30; i++) {
            refs[i][0] = i;
            refLabels[i] = 1;
        }
        refs[30][0] = 100;
        refLabels[30] = 2;
        double[][] queries = {{0.1}, {0.2}};
        int[] queryLabels = {2, 1};
        List<int[]> progress = new java.util.ArrayList<>();
        RetrievalEvaluation eval = new RetrievalEvaluator(new int[]{1, 2}, KnnDistance.SQUARED_EUCLIDEAN, 1, false, 1L)
                .withProgress((done, total) -> progress.add(new int[]{done, total}))
                .evaluate(queries, queryLabels, refs, refLabels, RetrievalMode.SEPARATE);
        // query 0: its only relevant reference ranks 31st, beyond its top list of max(R = 1, K = 2, 10) = 10
        assertEquals(1.0 / 31, eval.perQuery(MetricNames.MRR)[0], 0.0);
        assertEquals(0.0, eval.perQuery(MetricNames.precisionAt(1))[0], 0.0);
        assertEquals(1.0, eval.perQuery(MetricNames.MRR)[1], 0.0);
        // one walk per query block (2), then two walks for the one block of query 0's full ranking
        assertEquals(4, progress.size());
        for (int i = 0; i < progress.size(); i++) {
            assertEquals(i + 1, progress.get(i)[0]);
        }
        assertEquals(2, progress.get(0)[1]);
        assertEquals(4, progress.get(3)[1]);
    }

    @Test
    void perClassMeansAverageTheirQueries() {
        Data data = new Data(5, 30, 60, 4, 3);
        RetrievalEvaluation eval = run(evaluator(32), data, RetrievalMode.SEPARATE);
        Map<String, Map<String, Double>> perClass = eval.perClassMeans();
        double[] map = eval.perQuery(MetricNames.MAP);
        int[] idx = eval.evaluatedQueryIndices();
        double weighted = 0.0;
        for (Map.Entry<String, Map<String, Double>> e : perClass.entrySet()) {
            long count = Arrays.stream(idx).filter(q -> String.valueOf(data.queryLabels[q]).equals(e.getKey()))
                    .count();
            weighted += count * e.getValue().get(MetricNames.MAP);
        }
        assertEquals(Arrays.stream(map).average().orElseThrow(), weighted / idx.length, 1e-12);
    }

    @Test
    void float32MatchesFloat64OnWellSeparatedDistances() {
        GoldenRetrievalCase c = GoldenRetrievalCase.load("retrieval_query_ref_disjoint.json");
        RetrievalEvaluator e = evaluator(8);
        RetrievalEvaluation f64 = e.evaluate(c.queries, c.queryLabels, c.references, c.referenceLabels,
                RetrievalMode.SEPARATE);
        RetrievalEvaluation f32 = e.evaluate(Nd4j.create(c.queries).castTo(DataType.FLOAT), c.queryLabels,
                Nd4j.create(c.references).castTo(DataType.FLOAT), c.referenceLabels, RetrievalMode.SEPARATE);
        assertEquals(f64.means(), f32.means());
    }

    @Test
    void tribuoEvaluationView() {
        Data data = new Data(6, 20, 50, 4, 3);
        RetrievalEvaluation eval = run(evaluator(16), data, RetrievalMode.SEPARATE);
        Map<MetricID<Label>, Double> map = eval.asMap();
        MetricTarget<Label> avg = MetricTarget.macroAverageTarget();
        assertEquals(eval.means().get(MetricNames.MAP), map.get(new MetricID<>(avg, MetricNames.MAP)));
        assertEquals(eval.nmi(), eval.get(new MetricID<>(avg, MetricNames.NMI)));
        String someLabel = eval.perClassMeans().keySet().iterator().next();
        MetricTarget<Label> classTarget = new MetricTarget<>(new Label(someLabel));
        assertEquals(eval.perClassMeans().get(someLabel).get(MetricNames.MRR),
                map.get(new MetricID<>(classTarget, MetricNames.MRR)));
        assertTrue(eval.getPredictions().isEmpty());
        EvaluationProvenance prov = eval.getProvenance();
        assertTrue(prov.getModelProvenance() instanceof NoModelProvenance);
        assertTrue(prov.getTestDatasetProvenance() instanceof RawEmbeddingsProvenance);
        assertTrue(prov.toString().contains("num-references"), prov.toString());
        assertTrue(eval.toString().startsWith("RetrievalEvaluation(precision_at_1="));
    }

    @Test
    void suppliedProvenanceIsKept() {
        Data data = new Data(7, 10, 30, 3, 2);
        NoModelProvenance model = new NoModelProvenance();
        SimpleDataSourceProvenance source = new SimpleDataSourceProvenance("test embeddings", new LabelFactory());
        RetrievalEvaluation eval = evaluator(8).evaluate(Nd4j.create(data.queries), data.queryLabels,
                Nd4j.create(data.references), data.referenceLabels, RetrievalMode.SEPARATE, model, source);
        assertSame(model, eval.getProvenance().getModelProvenance());
        assertSame(source, eval.getProvenance().getTestDatasetProvenance());
    }

    @Test
    void rejectsBadArguments() {
        double[][] x = {{0, 1}, {1, 0}};
        int[] y = {0, 1};
        RetrievalEvaluator e = new RetrievalEvaluator();
        assertThrows(IllegalArgumentException.class, () -> e.evaluate(x, y, x, y, RetrievalMode.SELF));
        assertThrows(IllegalArgumentException.class,
                () -> e.evaluate(x, new int[]{1, 0}, x, y, RetrievalMode.QUERY_PREFIX_OF_REFERENCE));
        assertThrows(IllegalArgumentException.class, () -> e.evaluate(x, y, x, y, null));
        assertThrows(IllegalArgumentException.class,
                () -> new RetrievalEvaluator(new int[]{0}, KnnDistance.COSINE, 8, false, 1L));
        assertThrows(IllegalArgumentException.class,
                () -> new RetrievalEvaluator(KS, KnnDistance.COSINE, 0, false, 1L));
    }
}
