package org.dml4j.index;

import org.dml4j.eval.GoldenRetrievalCase;
import org.dml4j.eval.RetrievalMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ExactKnnTest {

    static Stream<GoldenRetrievalCase> cases() {
        return GoldenRetrievalCase.FILES.stream().map(GoldenRetrievalCase::load);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void goldenTop16Float64(GoldenRetrievalCase c) {
        checkTop16(c, DataType.DOUBLE, 7, 11);
        checkTop16(c, DataType.DOUBLE, 1000, 1000);
    }

    /** The embeddings are exact in float32 and the smallest ranking gap (1.6e-6) survives float32 products. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void goldenTop16Float32(GoldenRetrievalCase c) {
        checkTop16(c, DataType.FLOAT, 5, 13);
    }

    private static void checkTop16(GoldenRetrievalCase c, DataType type, int qBlock, int rBlock) {
        ExactKnn knn = new ExactKnn(KnnDistance.SQUARED_EUCLIDEAN, qBlock, rBlock);
        KnnResult result = knn.search(Nd4j.create(c.queries).castTo(type), Nd4j.create(c.references).castTo(type), 16,
                c.mode != RetrievalMode.SEPARATE);
        int[][] expected = c.top16();
        assertEquals(expected.length, result.numQueries());
        for (int q = 0; q < expected.length; q++) {
            assertArrayEquals(expected[q], result.indices()[q], c + " query " + q + " " + type);
        }
    }

    /** Exact distances computed directly, for comparison. */
    private static double distance(double[] a, double[] b, KnnDistance kind) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        double sq = 0;
        for (int j = 0; j < a.length; j++) {
            dot += a[j] * b[j];
            na += a[j] * a[j];
            nb += b[j] * b[j];
            sq += (a[j] - b[j]) * (a[j] - b[j]);
        }
        switch (kind) {
            case SQUARED_EUCLIDEAN:
                return sq;
            case COSINE:
                return 1 - dot / (Math.max(Math.sqrt(na), 1e-12) * Math.max(Math.sqrt(nb), 1e-12));
            default:
                return -dot;
        }
    }

    private static Integer[] bruteForceOrder(double[][] q, double[][] r, int query, KnnDistance kind,
                                             boolean exclude) {
        return IntStream.range(0, r.length).filter(j -> !exclude || j != query).boxed()
                .sorted(Comparator.<Integer>comparingDouble(j -> distance(q[query], r[j], kind))
                        .thenComparingInt(j -> j))
                .toArray(Integer[]::new);
    }

    private static double[][] gaussian(Random rng, int n, int d) {
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = rng.nextGaussian();
            }
        }
        return x;
    }

    @ParameterizedTest
    @EnumSource(KnnDistance.class)
    void searchMatchesBruteForce(KnnDistance kind) {
        Random rng = new Random(7);
        double[][] q = gaussian(rng, 23, 5);
        double[][] r = gaussian(rng, 41, 5);
        KnnResult result = new ExactKnn(kind, 4, 9).search(Nd4j.create(q), Nd4j.create(r), 6, false);
        for (int i = 0; i < q.length; i++) {
            Integer[] order = bruteForceOrder(q, r, i, kind, false);
            int[] expected = Arrays.stream(order).limit(6).mapToInt(Integer::intValue).toArray();
            assertArrayEquals(expected, result.indices()[i], "query " + i);
            for (int k = 0; k < 6; k++) {
                assertEquals(distance(q[i], r[expected[k]], kind), result.distances()[i][k], 1e-9);
            }
        }
    }

    @Test
    void leaveOneOutWithDuplicatesAndTies() {
        // integer grid: many exact ties and duplicate rows, all exact in float64
        Random rng = new Random(3);
        double[][] x = new double[30][3];
        for (double[] row : x) {
            for (int j = 0; j < 3; j++) {
                row[j] = rng.nextInt(3);
            }
        }
        KnnResult result = new ExactKnn(KnnDistance.SQUARED_EUCLIDEAN, 7, 4)
                .search(Nd4j.create(x), Nd4j.create(x), 40, true);
        for (int i = 0; i < x.length; i++) {
            int[] expected = Arrays.stream(bruteForceOrder(x, x, i, KnnDistance.SQUARED_EUCLIDEAN, true))
                    .mapToInt(Integer::intValue).toArray();
            assertEquals(29, result.indices()[i].length);
            assertArrayEquals(expected, result.indices()[i], "query " + i);
        }
    }

    @Test
    void relevantRanksMatchBruteForceUnderTies() {
        Random rng = new Random(11);
        double[][] x = new double[50][2];
        int[] labels = new int[50];
        for (int i = 0; i < x.length; i++) {
            x[i][0] = rng.nextInt(3);
            x[i][1] = rng.nextInt(3);
            labels[i] = rng.nextInt(4);
        }
        int[] queryLabels = Arrays.copyOf(labels, 20);
        double[][] queries = Arrays.copyOf(x, 20);
        for (int[] blocks : new int[][]{{1, 1}, {3, 7}, {100, 100}}) {
            RelevantRanks ranks = new ExactKnn(KnnDistance.SQUARED_EUCLIDEAN, blocks[0], blocks[1])
                    .relevantRanks(Nd4j.create(queries), queryLabels, Nd4j.create(x), labels, true);
            for (int i = 0; i < queries.length; i++) {
                Integer[] order = bruteForceOrder(queries, x, i, KnnDistance.SQUARED_EUCLIDEAN, true);
                final int label = queryLabels[i];
                int[] expected = IntStream.range(0, order.length).filter(p -> labels[order[p]] == label)
                        .map(p -> p + 1).toArray();
                assertArrayEquals(expected, ranks.ranks(i), "query " + i);
                assertEquals(49, ranks.numCandidates(i));
            }
        }
    }

    /** Integer-grid rows (many exact ties and duplicates) with skewed class sizes, singletons included. */
    private static double[][] grid(Random rng, int n, int d) {
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = rng.nextInt(3);
            }
        }
        return x;
    }

    private static int[] skewedLabels(Random rng, int n) {
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            // class 0 about half the rows, then smaller classes, and some labels seen once
            labels[i] = rng.nextInt(2) == 0 ? 0 : (rng.nextInt(4) == 0 ? 100 + i : 1 + rng.nextInt(5));
        }
        return labels;
    }

    private static int[] bruteForceRelevantRanks(double[][] q, int[] ql, double[][] r, int[] rl, int query,
                                                 boolean exclude) {
        Integer[] order = bruteForceOrder(q, r, query, KnnDistance.SQUARED_EUCLIDEAN, exclude);
        return IntStream.range(0, order.length).filter(p -> rl[order[p]] == ql[query]).map(p -> p + 1).toArray();
    }

    /** The three query/reference layouts: the same matrix object, a prefix copy (leave-one-out), separate sets. */
    private enum Layout { SAME_OBJECT, PREFIX, SEPARATE }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void topListRanksAreTheFullRankingsFirstRanks(Layout layout) {
        Random rng = new Random(21);
        double[][] x = grid(rng, 60, 3);
        int[] labels = skewedLabels(rng, 60);
        double[][] q = layout == Layout.SEPARATE ? grid(rng, 25, 3) : Arrays.copyOf(x, layout == Layout.PREFIX ? 25 : 60);
        int[] ql = layout == Layout.SEPARATE ? skewedLabels(rng, 25) : Arrays.copyOf(labels, q.length);
        boolean exclude = layout != Layout.SEPARATE;
        INDArray refs = Nd4j.create(x);
        INDArray queries = layout == Layout.SAME_OBJECT ? refs : Nd4j.create(q);
        int candidates = exclude ? 59 : 60;
        for (int[] blocks : new int[][]{{1, 1}, {7, 3}, {100, 100}}) {
            for (int minDepth : new int[]{1, 4, 200}) {
                RelevantRanks top = new ExactKnn(KnnDistance.SQUARED_EUCLIDEAN, blocks[0], blocks[1])
                        .relevantTopRanks(queries, ql, refs, labels, exclude, minDepth, null);
                for (int i = 0; i < q.length; i++) {
                    String where = layout + " blocks " + Arrays.toString(blocks) + " minDepth " + minDepth
                            + " query " + i;
                    int[] all = bruteForceRelevantRanks(q, ql, x, labels, i, exclude);
                    int depth = all.length == 0 ? 0 : Math.min(candidates, Math.max(all.length, minDepth));
                    assertEquals(all.length, top.numRelevant(i), where);
                    assertEquals(depth, top.depth(i), where);
                    assertArrayEquals(Arrays.stream(all).filter(r -> r <= depth).toArray(), top.ranks(i), where);
                    assertEquals(all.length == 0 || all[all.length - 1] <= depth, top.isComplete(i), where);
                }
            }
        }
    }

    @Test
    void selectedQueryRowsRankAsInTheWholeTable() {
        Random rng = new Random(22);
        double[][] x = grid(rng, 40, 3);
        int[] labels = skewedLabels(rng, 40);
        INDArray m = Nd4j.create(x);
        ExactKnn knn = new ExactKnn(KnnDistance.SQUARED_EUCLIDEAN, 3, 5);
        RelevantRanks all = knn.relevantRanks(m, labels, m, labels, true);
        int[] rows = {33, 2, 17, 0, 39};
        int[] walks = new int[1];
        RelevantRanks some = knn.relevantRanks(m, labels, m, labels, true, rows, () -> walks[0]++);
        assertEquals(rows.length, some.numQueries());
        for (int s = 0; s < rows.length; s++) {
            assertArrayEquals(all.ranks(rows[s]), some.ranks(s), "row " + rows[s]);
            assertArrayEquals(bruteForceRelevantRanks(x, labels, x, labels, rows[s], true), some.ranks(s));
        }
        assertEquals(2 * 2, walks[0], "two walks for each of the two blocks of 3 selected rows");
        assertThrows(IllegalArgumentException.class,
                () -> knn.relevantRanks(m, labels, m, labels, true, new int[]{40}, null));
    }

    @Test
    void symmetricSelfSearchMatchesBruteForceUnderTies() {
        Random rng = new Random(23);
        double[][] x = grid(rng, 45, 3);
        INDArray m = Nd4j.create(x);
        for (int block : new int[]{1, 4, 7, 64}) {
            KnnResult result = new ExactKnn(KnnDistance.SQUARED_EUCLIDEAN, block, block).search(m, m, 9, true);
            for (int i = 0; i < x.length; i++) {
                int[] expected = Arrays.stream(bruteForceOrder(x, x, i, KnnDistance.SQUARED_EUCLIDEAN, true))
                        .limit(9).mapToInt(Integer::intValue).toArray();
                assertArrayEquals(expected, result.indices()[i], "block " + block + " query " + i);
            }
        }
    }

    @Test
    void float32AndMixedInputsWork() {
        Random rng = new Random(5);
        double[][] q = gaussian(rng, 10, 4);
        double[][] r = gaussian(rng, 30, 4);
        INDArray q32 = Nd4j.create(q).castTo(DataType.FLOAT);
        INDArray r64 = Nd4j.create(r);
        ExactKnn knn = new ExactKnn(KnnDistance.SQUARED_EUCLIDEAN);
        KnnResult mixed = knn.search(q32, r64, 3, false);
        KnnResult single = knn.search(q32, r64.castTo(DataType.FLOAT), 3, false);
        for (int i = 0; i < q.length; i++) {
            assertArrayEquals(mixed.indices()[i], single.indices()[i]);
            assertArrayEquals(mixed.distances()[i], single.distances()[i], 1e-4);
        }
    }

    @Test
    void rejectsBadArguments() {
        INDArray a = Nd4j.create(new double[][]{{0, 1}, {1, 0}, {1, 1}});
        INDArray b = Nd4j.create(new double[][]{{0, 1}, {1, 0}});
        ExactKnn knn = new ExactKnn(KnnDistance.SQUARED_EUCLIDEAN);
        assertThrows(IllegalArgumentException.class, () -> knn.search(a, b, 1, true));
        assertThrows(IllegalArgumentException.class, () -> knn.search(a, b, 0, false));
        assertThrows(IllegalArgumentException.class, () -> knn.search(a, Nd4j.create(new double[][]{{1, 2, 3}}), 1, false));
        assertThrows(IllegalArgumentException.class, () -> knn.relevantRanks(a, new int[2], b, new int[2], false));
        assertThrows(IllegalArgumentException.class, () -> new ExactKnn(KnnDistance.COSINE, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ExactKnn(null));
    }
}
