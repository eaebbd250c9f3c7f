package org.dml4j.index;

import org.dml4j.nd.Rows;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.stream.IntStream;

/**
 * One shard of a reference set split over several machines: the reference rows {@code [offset, offset + rows)}
 * with their labels, searched as {@link ExactKnn} searches the whole set, every result in global reference
 * indices so that the shards' results merge into the whole set's.
 * <p>
 * <b>Exactness.</b> The walks are {@link ExactKnn}'s: (query block &times; reference block) tiles, one matrix
 * product each, ties broken by reference index. When the offset is a multiple of the reference block size and the
 * block sizes are the whole-set search's, every tile is the same matrix product of the same rows as in the
 * whole-set walk, so every distance is bitwise the one {@link ExactKnn} computes, and
 * {@link ShardTopLists#merge merging} the shards' top lists and {@link RelevantPairs#merge summing} their rank
 * counts gives exactly {@link ExactKnn#relevantTopRanks} and {@link ExactKnn#relevantRanks} (a shard at another
 * offset still ranks exactly, but float32 rounding of a near-tie may then order differently).
 * <p>
 * With {@code excludeSameIndex}, query i skips the reference of global index i (the queries are the first rows
 * of the whole reference set).
 */
public final class ReferenceShard {
    private final INDArray rows;
    private final int[] labels;
    private final int offset;
    private final KnnDistance distance;
    private final int queryBlockSize;
    private final int referenceBlockSize;

    /**
     * Creates a shard (the arrays are kept, not copied).
     * @param rows The shard's reference rows (n&times;d).
     * @param labels Their labels (length n).
     * @param offset The global index of the first row, at least 0.
     * @param distance The dissimilarity to rank by.
     * @param queryBlockSize Queries per tile, at least 1.
     * @param referenceBlockSize References per tile, at least 1.
     */
    public ReferenceShard(INDArray rows, int[] labels, int offset, KnnDistance distance, int queryBlockSize,
                          int referenceBlockSize) {
        DistanceTiles.checkMatrix("shard rows", rows);
        if (labels == null || labels.length != rows.rows()) {
            throw new IllegalArgumentException("expected " + rows.rows() + " shard labels, found "
                    + (labels == null ? "null" : String.valueOf(labels.length)));
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be at least 0, found " + offset);
        }
        new ExactKnn(distance, queryBlockSize, referenceBlockSize); // validates the rest
        this.rows = rows;
        this.labels = labels;
        this.offset = offset;
        this.distance = distance;
        this.queryBlockSize = queryBlockSize;
        this.referenceBlockSize = referenceBlockSize;
    }

    /**
     * The nearest candidates of this shard per query: at most {@code depth[q]} of them, the shard's part of the
     * query's whole-set top list (the whole-set list is in the merge of every shard's).
     * @param queries The query rows (Q&times;d).
     * @param queryLabels The query labels, which decide which candidates are relevant.
     * @param depth Per query, its top-list length (0: none).
     * @param excludeSameIndex If true, query i skips the reference of global index i.
     * @return The shard's top lists.
     */
    public ShardTopLists topLists(INDArray queries, int[] queryLabels, int[] depth, boolean excludeSameIndex) {
        DistanceTiles tiles = new DistanceTiles(queries, rows, distance, referenceBlockSize);
        int q = tiles.numQueries();
        requireLength("query labels", queryLabels, q);
        requireLength("depths", depth, q);
        ShardTopLists out = new ShardTopLists(depth);
        for (int start = 0; start < q; start += queryBlockSize) {
            int end = Math.min(q, start + queryBlockSize);
            TopKSelector[] selectors = new TopKSelector[end - start];
            for (int i = 0; i < selectors.length; i++) {
                selectors[i] = depth[start + i] > 0 ? new TopKSelector(depth[start + i]) : null;
            }
            final int first = start;
            tiles.walk(start, end, (query, refStart, cols, values) -> {
                TopKSelector selector = selectors[query - first];
                if (selector != null) {
                    ExactKnn.offerBelowThreshold(selector, values, refStart, cols,
                            excludeSameIndex ? query - offset : -1);
                }
            });
            int[][] idx = new int[1][];
            double[][] dist = new double[1][];
            for (int i = 0; i < selectors.length; i++) {
                if (selectors[i] != null) {
                    selectors[i].drainSorted(idx, dist, 0);
                    out.set(start + i, dist[0], globalIndices(idx[0]), relevance(idx[0], queryLabels[start + i]));
                }
            }
        }
        return out;
    }

    /**
     * Pass one of the exact full ranking ({@link ExactKnn#relevantRanks(INDArray, int[], INDArray, int[], boolean,
     * int[], Runnable)}): the distances of this shard's relevant candidates of the listed queries.
     * @param queries The query rows (Q&times;d).
     * @param queryLabels The query labels.
     * @param queryRows The queries to rank; row s of the result is query {@code queryRows[s]}.
     * @param excludeSameIndex If true, query i skips the reference of global index i.
     * @return The relevant pairs, unsorted.
     */
    public RelevantPairs relevantPairs(INDArray queries, int[] queryLabels, int[] queryRows,
                                       boolean excludeSameIndex) {
        requireLength("query labels", queryLabels, queries.rows());
        RelevantPairs out = new RelevantPairs(queryRows.length);
        walkSelected(queries, queryRows, (row, refStart, cols, values) -> {
            int query = queryRows[row];
            int label = queryLabels[query];
            for (int j = 0; j < cols; j++) {
                int local = refStart + j;
                if (labels[local] == label && !(excludeSameIndex && local + offset == query)) {
                    out.add(row, values[j], local + offset);
                }
            }
        });
        return out;
    }

    /**
     * Pass two of the exact full ranking: per listed query and relevant pair, how many of this shard's
     * candidates rank before the pair (ties by index).
     * @param queries The query rows (Q&times;d).
     * @param queryRows The queries to rank, as given to {@link #relevantPairs}.
     * @param relevant Every shard's relevant pairs of those queries, merged and {@link RelevantPairs#sorted()}.
     * @param excludeSameIndex If true, query i skips the reference of global index i.
     * @return Per listed query, per relevant pair in sorted order, the count.
     */
    public int[][] candidatesBefore(INDArray queries, int[] queryRows, RelevantPairs relevant,
                                    boolean excludeSameIndex) {
        RelevantRankCounter[] counters = new RelevantRankCounter[queryRows.length];
        for (int s = 0; s < counters.length; s++) {
            counters[s] = relevant.counter(s);
        }
        walkSelected(queries, queryRows, (row, refStart, cols, values) -> {
            RelevantRankCounter counter = counters[row];
            int self = excludeSameIndex ? queryRows[row] - offset : -1;
            for (int j = 0; j < cols; j++) {
                if (refStart + j != self) {
                    counter.offerCandidate(values[j], refStart + j + offset);
                }
            }
        });
        int[][] out = new int[counters.length][];
        for (int s = 0; s < counters.length; s++) {
            out[s] = counters[s].ranks();
            for (int j = 0; j < out[s].length; j++) {
                out[s][j]--;
            }
        }
        return out;
    }

    /** Walks the listed query rows, gathered into their own blocks as {@link ExactKnn#relevantRanks} does. */
    private void walkSelected(INDArray queries, int[] queryRows, DistanceTiles.RowVisitor visitor) {
        for (int row : queryRows) {
            if (row < 0 || row >= queries.rows()) {
                throw new IllegalArgumentException("query row " + row + " is outside 0.." + (queries.rows() - 1));
            }
        }
        if (queryRows.length == 0) {
            return;
        }
        DistanceTiles tiles = new DistanceTiles(Rows.gather(queries, queryRows), rows, distance,
                referenceBlockSize);
        for (int start = 0; start < queryRows.length; start += queryBlockSize) {
            tiles.walk(start, Math.min(queryRows.length, start + queryBlockSize), visitor);
        }
    }

    private int[] globalIndices(int[] local) {
        return IntStream.of(local).map(i -> i + offset).toArray();
    }

    private boolean[] relevance(int[] local, int label) {
        boolean[] out = new boolean[local.length];
        for (int p = 0; p < local.length; p++) {
            out[p] = labels[local[p]] == label;
        }
        return out;
    }

    private static void requireLength(String name, int[] array, int expected) {
        if (array == null || array.length != expected) {
            throw new IllegalArgumentException("expected " + expected + " " + name + ", found "
                    + (array == null ? "null" : String.valueOf(array.length)));
        }
    }
}
