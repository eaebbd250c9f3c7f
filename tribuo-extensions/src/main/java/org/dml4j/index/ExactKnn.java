package org.dml4j.index;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Exact brute-force nearest-neighbour search over (query block &times; reference block) tiles.
 * <p>
 * Queries (Q&times;d) and references (N&times;d) are float32 or float64 INDArrays (mixed inputs are computed
 * in float64). Each tile is one matrix product; Java code turns it into {@link KnnDistance} values and feeds
 * either a bounded top-k heap per query ({@link #search}) or an exact relevant-rank counter per query
 * ({@link #relevantRanks}). Peak memory is O(queryBlockSize &times; referenceBlockSize) for the tile plus
 * O(queryBlockSize &times; k) or O(sum of R_q), never O(Q &times; N).
 * <p>
 * Rankings are ascending in distance, ties broken by ascending reference index. With
 * {@code excludeSameIndex}, query i never sees reference i (leave-one-out when the queries are the
 * references or their first Q rows); identical rows at other indices stay candidates. Float32 inputs are
 * multiplied in float32, so near-ties closer than float32 rounding may order differently from a float64
 * computation.
 */
public final class ExactKnn {
    /** Default number of queries per tile. */
    public static final int DEFAULT_QUERY_BLOCK_SIZE = 1024;
    /** Default number of references per tile. */
    public static final int DEFAULT_REFERENCE_BLOCK_SIZE = 4096;

    private final KnnDistance distance;
    private final int queryBlockSize;
    private final int referenceBlockSize;

    /**
     * Creates a search with the default block sizes.
     * @param distance The dissimilarity to rank by.
     */
    public ExactKnn(KnnDistance distance) {
        this(distance, DEFAULT_QUERY_BLOCK_SIZE, DEFAULT_REFERENCE_BLOCK_SIZE);
    }

    /**
     * Creates a search.
     * @param distance The dissimilarity to rank by.
     * @param queryBlockSize Queries per tile, at least 1.
     * @param referenceBlockSize References per tile, at least 1.
     */
    public ExactKnn(KnnDistance distance, int queryBlockSize, int referenceBlockSize) {
        if (distance == null) {
            throw new IllegalArgumentException("distance must not be null");
        }
        if (queryBlockSize < 1) {
            throw new IllegalArgumentException("queryBlockSize must be at least 1, found " + queryBlockSize);
        }
        if (referenceBlockSize < 1) {
            throw new IllegalArgumentException("referenceBlockSize must be at least 1, found "
                    + referenceBlockSize);
        }
        this.distance = distance;
        this.queryBlockSize = queryBlockSize;
        this.referenceBlockSize = referenceBlockSize;
    }

    /**
     * The dissimilarity this search ranks by.
     * @return The distance.
     */
    public KnnDistance distance() {
        return distance;
    }

    /**
     * Finds the k nearest references of every query.
     * @param queries The query rows (Q&times;d).
     * @param references The reference rows (N&times;d).
     * @param k The number of neighbours, at least 1; a query with fewer candidates gets all of them.
     * @param excludeSameIndex If true, query i skips reference i (requires Q &le; N).
     * @return The neighbours, nearest first.
     */
    public KnnResult search(INDArray queries, INDArray references, int k, boolean excludeSameIndex) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, found " + k);
        }
        DistanceTiles tiles = tiles(queries, references, excludeSameIndex);
        int q = tiles.numQueries();
        int[][] indices = new int[q][];
        double[][] distances = new double[q][];
        for (int start = 0; start < q; start += queryBlockSize) {
            int end = Math.min(q, start + queryBlockSize);
            TopKSelector[] selectors = new TopKSelector[end - start];
            for (int i = 0; i < selectors.length; i++) {
                selectors[i] = new TopKSelector(k);
            }
            final int queryStart = start;
            tiles.walk(start, end, (refStart, rows, cols, values) -> {
                for (int i = 0; i < rows; i++) {
                    int self = excludeSameIndex ? queryStart + i : -1;
                    TopKSelector selector = selectors[i];
                    for (int j = 0; j < cols; j++) {
                        int ref = refStart + j;
                        if (ref != self) {
                            selector.offer(values[i * cols + j], ref);
                        }
                    }
                }
            });
            for (int i = 0; i < selectors.length; i++) {
                selectors[i].drainSorted(indices, distances, start + i);
            }
        }
        return new KnnResult(indices, distances);
    }

    /**
     * Computes, for every query, the exact rank of each relevant reference in its full ranking.
     * <p>
     * Two walks over the references per query block: the first collects the distances of the relevant
     * candidates, the second counts the candidates ranked before each of them.
     * @param queries The query rows (Q&times;d).
     * @param queryLabels The query labels (length Q).
     * @param references The reference rows (N&times;d).
     * @param referenceLabels The reference labels (length N).
     * @param excludeSameIndex If true, query i skips reference i (requires Q &le; N).
     * @return The ranks of the relevant references per query.
     */
    public RelevantRanks relevantRanks(INDArray queries, int[] queryLabels, INDArray references,
                                       int[] referenceLabels, boolean excludeSameIndex) {
        DistanceTiles tiles = tiles(queries, references, excludeSameIndex);
        int q = tiles.numQueries();
        int n = tiles.numReferences();
        if (queryLabels.length != q || referenceLabels.length != n) {
            throw new IllegalArgumentException("expected " + q + " query labels and " + n
                    + " reference labels, found " + queryLabels.length + " and " + referenceLabels.length);
        }
        int[][] ranks = new int[q][];
        int[] numCandidates = new int[q];
        for (int start = 0; start < q; start += queryBlockSize) {
            int end = Math.min(q, start + queryBlockSize);
            RelevantRankCounter[] counters = new RelevantRankCounter[end - start];
            for (int i = 0; i < counters.length; i++) {
                counters[i] = new RelevantRankCounter();
            }
            final int queryStart = start;
            tiles.walk(start, end, (refStart, rows, cols, values) -> {
                for (int i = 0; i < rows; i++) {
                    int self = excludeSameIndex ? queryStart + i : -1;
                    int label = queryLabels[queryStart + i];
                    for (int j = 0; j < cols; j++) {
                        int ref = refStart + j;
                        if (ref != self && referenceLabels[ref] == label) {
                            counters[i].addRelevant(values[i * cols + j], ref);
                        }
                    }
                }
            });
            for (RelevantRankCounter counter : counters) {
                counter.seal();
            }
            tiles.walk(start, end, (refStart, rows, cols, values) -> {
                for (int i = 0; i < rows; i++) {
                    int self = excludeSameIndex ? queryStart + i : -1;
                    for (int j = 0; j < cols; j++) {
                        int ref = refStart + j;
                        if (ref != self) {
                            counters[i].offerCandidate(values[i * cols + j], ref);
                        }
                    }
                }
            });
            for (int i = 0; i < counters.length; i++) {
                ranks[start + i] = counters[i].ranks();
                numCandidates[start + i] = excludeSameIndex ? n - 1 : n;
            }
        }
        return new RelevantRanks(ranks, numCandidates);
    }

    private DistanceTiles tiles(INDArray queries, INDArray references, boolean excludeSameIndex) {
        DistanceTiles tiles = new DistanceTiles(queries, references, distance, referenceBlockSize);
        if (excludeSameIndex && tiles.numQueries() > tiles.numReferences()) {
            throw new IllegalArgumentException("excludeSameIndex needs at most as many queries as references, found "
                    + tiles.numQueries() + " queries and " + tiles.numReferences() + " references");
        }
        return tiles;
    }
}
