package org.dml4j.index;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Shards at block-aligned offsets, merged, rank exactly as {@link ExactKnn} ranks the whole reference set: the same
 * top lists (ties between duplicate rows included) and the same full-ranking ranks.
 */
class ReferenceShardTest {
    private static final int BLOCK = 32;
    private static final int[] OFFSETS = {0, 96, 192, 300};

    @Test
    void mergedShardsRankAsTheWholeSet() {
        Random rng = new Random(7);
        INDArray refs = rows(rng, 300, 8);
        int[] refLabels = IntStream.range(0, 300).map(i -> rng.nextInt(5)).toArray();
        // exact ties: rows 150..159 repeat rows 10..19, across shards
        refs.get(NDArrayIndex.interval(150, 160), NDArrayIndex.all())
                .assign(refs.get(NDArrayIndex.interval(10, 20), NDArrayIndex.all()));
        for (KnnDistance distance : KnnDistance.values()) {
            ExactKnn knn = new ExactKnn(distance, BLOCK, BLOCK);
            // separate queries, and the first 70 references as queries leaving themselves out
            check(knn, rows(rng, 50, 8), IntStream.range(0, 50).map(i -> rng.nextInt(5)).toArray(), refs, refLabels,
                    false);
            check(knn, refs.get(NDArrayIndex.interval(0, 70), NDArrayIndex.all()).dup(),
                    Arrays.copyOf(refLabels, 70), refs, refLabels, true);
        }
    }

    private static void check(ExactKnn knn, INDArray queries, int[] queryLabels, INDArray refs, int[] refLabels,
                              boolean exclude) {
        RelevantRanks want = knn.relevantTopRanks(queries, queryLabels, refs, refLabels, exclude, 10, null);
        int q = queries.rows();
        int[] depth = IntStream.range(0, q).map(want::depth).toArray();
        int[] numRelevant = IntStream.range(0, q).map(want::numRelevant).toArray();
        ShardTopLists merged = new ShardTopLists(depth);
        for (int s = OFFSETS.length - 2; s >= 0; s--) { // any merge order
            merged.merge(shard(knn, refs, refLabels, s).topLists(queries, queryLabels, depth, exclude));
        }
        int candidates = exclude ? refs.rows() - 1 : refs.rows();
        RelevantRanks got = merged.relevantRanks(numRelevant, candidates);
        for (int i = 0; i < q; i++) {
            assertArrayEquals(want.ranks(i), got.ranks(i), knn.distance() + " query " + i);
            assertEquals(want.depth(i), got.depth(i));
            assertEquals(want.numCandidates(i), got.numCandidates(i));
        }

        int[] some = {3, 0, q - 1, 7};
        RelevantRanks wantFull = knn.relevantRanks(queries, queryLabels, refs, refLabels, exclude, some, null);
        RelevantPairs pairs = new RelevantPairs(some.length);
        for (int s = 0; s < OFFSETS.length - 1; s++) {
            pairs.merge(shard(knn, refs, refLabels, s).relevantPairs(queries, queryLabels, some, exclude));
        }
        RelevantPairs sorted = pairs.sorted();
        int[][] before = shard(knn, refs, refLabels, 0).candidatesBefore(queries, some, sorted, exclude);
        for (int s = 1; s < OFFSETS.length - 1; s++) {
            before = RelevantPairs.sum(before,
                    shard(knn, refs, refLabels, s).candidatesBefore(queries, some, sorted, exclude));
        }
        RelevantRanks gotFull = RelevantPairs.ranks(before, candidates);
        for (int r = 0; r < some.length; r++) {
            assertArrayEquals(wantFull.ranks(r), gotFull.ranks(r), knn.distance() + " full, query " + some[r]);
        }
    }

    @Test
    void badShardsAreRefused() {
        INDArray rows = Nd4j.zeros(DataType.FLOAT, 4, 2);
        assertThrows(IllegalArgumentException.class,
                () -> new ReferenceShard(rows, new int[3], 0, KnnDistance.COSINE, 8, 8));
        assertThrows(IllegalArgumentException.class,
                () -> new ReferenceShard(rows, new int[4], -1, KnnDistance.COSINE, 8, 8));
        assertThrows(IllegalArgumentException.class, () -> new ShardTopLists(new int[2])
                .merge(new ShardTopLists(new int[3])));
    }

    private static ReferenceShard shard(ExactKnn knn, INDArray refs, int[] labels, int s) {
        INDArray rows = refs.get(NDArrayIndex.interval(OFFSETS[s], OFFSETS[s + 1]), NDArrayIndex.all()).dup();
        return new ReferenceShard(rows, Arrays.copyOfRange(labels, OFFSETS[s], OFFSETS[s + 1]), OFFSETS[s],
                knn.distance(), BLOCK, BLOCK);
    }

    private static INDArray rows(Random rng, int n, int d) {
        float[] values = new float[n * d];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) rng.nextGaussian();
        }
        return Nd4j.create(values, new long[]{n, d}, 'c');
    }
}
