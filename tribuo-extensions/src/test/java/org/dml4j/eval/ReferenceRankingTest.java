package org.dml4j.eval;

import org.dml4j.index.KnnDistance;
import org.dml4j.index.ReferenceShard;
import org.dml4j.index.RelevantPairs;
import org.dml4j.index.RelevantRanks;
import org.dml4j.index.ShardTopLists;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link RetrievalEvaluator} over a {@link ReferenceRanking} of block-aligned {@link ReferenceShard}s (as a cluster
 * ranks a sharded gallery) reports every metric exactly as over the whole reference matrix.
 */
class ReferenceRankingTest {
    private static final int BLOCK = 32;
    private static final int[] OFFSETS = {0, 64, 128, 150};
    private static final int[] KS = {1, 2, 4, 8};

    @Test
    void shardedRankingsGiveTheWholeMatrixMetrics() {
        Random rng = new Random(11);
        INDArray refs = rows(rng, 150);
        refs.get(NDArrayIndex.interval(140, 150), NDArrayIndex.all())
                .assign(refs.get(NDArrayIndex.interval(0, 10), NDArrayIndex.all())); // ties across shards
        int[] labels = IntStream.range(0, 150).map(i -> rng.nextInt(6)).toArray();
        INDArray queries = rows(rng, 40);
        int[] queryLabels = IntStream.range(0, 40).map(i -> rng.nextInt(6)).toArray();
        RetrievalEvaluator evaluator = new RetrievalEvaluator(KS, KnnDistance.COSINE, BLOCK, true, 5)
                .withFullRanking(true);

        assertSame(evaluator.evaluate(queries, queryLabels, refs, labels, RetrievalMode.SEPARATE),
                evaluator.evaluate(queries, queryLabels, labels, RetrievalMode.SEPARATE,
                        sharded(queries, queryLabels, refs, labels, false), String::valueOf, null, null));
        INDArray prefix = refs.get(NDArrayIndex.interval(0, 70), NDArrayIndex.all()).dup();
        int[] prefixLabels = Arrays.copyOf(labels, 70);
        assertSame(evaluator.evaluate(prefix, prefixLabels, refs, labels, RetrievalMode.QUERY_PREFIX_OF_REFERENCE),
                evaluator.evaluate(prefix, prefixLabels, labels, RetrievalMode.QUERY_PREFIX_OF_REFERENCE,
                        sharded(prefix, prefixLabels, refs, labels, true), String::valueOf, null, null));
    }

    private static INDArray rows(Random rng, int n) {
        float[] values = new float[n * 6];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) rng.nextGaussian();
        }
        return Nd4j.create(values, new long[]{n, 6}, 'c');
    }

    private static void assertSame(RetrievalEvaluation want, RetrievalEvaluation got) {
        Map<String, Double> expected = want.summary();
        assertEquals(expected.keySet(), got.summary().keySet());
        expected.forEach((metric, value) -> assertEquals(value, got.summary().get(metric), 0.0, metric));
    }

    /** The shards' results merged in this JVM, as the Spark job merges them. */
    private static ReferenceRanking sharded(INDArray queries, int[] queryLabels, INDArray refs, int[] labels,
                                            boolean exclude) {
        ReferenceShard[] shards = new ReferenceShard[OFFSETS.length - 1];
        for (int s = 0; s < shards.length; s++) {
            shards[s] = new ReferenceShard(refs.get(NDArrayIndex.interval(OFFSETS[s], OFFSETS[s + 1]),
                    NDArrayIndex.all()).dup(), Arrays.copyOfRange(labels, OFFSETS[s], OFFSETS[s + 1]), OFFSETS[s],
                    KnnDistance.COSINE, BLOCK, BLOCK);
        }
        int candidates = exclude ? labels.length - 1 : labels.length;
        int[] numRelevant = IntStream.range(0, queryLabels.length).map(q -> (int) IntStream.range(0, labels.length)
                .filter(r -> labels[r] == queryLabels[q] && !(exclude && r == q)).count()).toArray();
        return new ReferenceRanking() {
            @Override
            public RelevantRanks topRanks(int minDepth, Runnable afterBlock) {
                int[] depth = Arrays.stream(numRelevant).map(r -> r == 0 ? 0
                        : Math.min(candidates, Math.max(r, minDepth))).toArray();
                ShardTopLists merged = new ShardTopLists(depth);
                for (ReferenceShard shard : shards) {
                    merged.merge(shard.topLists(queries, queryLabels, depth, exclude));
                }
                return merged.relevantRanks(numRelevant, candidates);
            }

            @Override
            public RelevantRanks fullRanks(int[] queryRows, Runnable afterWalk) {
                RelevantPairs pairs = new RelevantPairs(queryRows.length);
                for (ReferenceShard shard : shards) {
                    pairs.merge(shard.relevantPairs(queries, queryLabels, queryRows, exclude));
                }
                RelevantPairs sorted = pairs.sorted();
                int[][] before = shards[0].candidatesBefore(queries, queryRows, sorted, exclude);
                for (int s = 1; s < shards.length; s++) {
                    RelevantPairs.sum(before, shards[s].candidatesBefore(queries, queryRows, sorted, exclude));
                }
                return RelevantPairs.ranks(before, candidates);
            }
        };
    }
}
