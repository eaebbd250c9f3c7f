package org.dml4j.index;

import org.dml4j.nd.Rows;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Exact brute-force nearest-neighbour search over (query block &times; reference block) tiles.
 * <p>
 * Queries (Q&times;d) and references (N&times;d) are float32 or float64 INDArrays (mixed inputs are computed
 * in float64). Each tile is one matrix product, float32 inputs in float32, read straight from its native buffer;
 * Java code turns its rows into {@link KnnDistance} values (in float64) and feeds either a bounded top-k
 * selection per query ({@link #search}, and {@link #relevantTopRanks}, which reports the relevant references
 * within each query's top list, one pass) or an exact relevant-rank counter per query ({@link #relevantRanks},
 * two walks). A selection only takes candidates below its current k-th distance (a reservoir of 2k compacted by
 * quickselect, as faiss does for large k), and the rows of a tile are processed in parallel on the common
 * fork-join pool. When the queries are the references (the same matrix object) the top-k pass computes each
 * off-diagonal tile once for both of its blocks, half the products. Peak memory is
 * O(queryBlockSize &times; referenceBlockSize) for the tile plus O(queryBlockSize &times; k) (in the symmetric
 * walk O(Q &times; k), used only when it fits in a quarter of the heap) or O(sum of R_q), never O(Q &times; N).
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
        int[] depth = new int[q];
        Arrays.fill(depth, k);
        selectNearest(tiles, depth, excludeSameIndex,
                (query, selector) -> selector.drainSorted(indices, distances, query), null);
        return new KnnResult(indices, distances);
    }

    /** Receives one query's filled selector. */
    private interface SelectionSink {
        void accept(int query, TopKSelector selector);
    }

    /**
     * The streaming top-k pass: keeps the {@code depth[q]} nearest candidates of every query with a positive
     * depth and hands each query's selector to the sink. When the queries are the references and all the
     * selectors fit in a quarter of the maximum heap (24 bytes a kept pair: the reservoir holds twice k), every
     * query block is live at once
     * and the tiles are walked symmetrically ({@link DistanceTiles#walkSymmetric}: half the matrix products);
     * otherwise one query block at a time.
     */
    private void selectNearest(DistanceTiles tiles, int[] depth, boolean excludeSameIndex, SelectionSink sink,
                               Runnable afterBlock) {
        int q = tiles.numQueries();
        long kept = 0;
        for (int d : depth) {
            kept += d;
        }
        if (tiles.isSelf() && 24L * kept <= Runtime.getRuntime().maxMemory() / 4) {
            TopKSelector[] selectors = newSelectors(depth, 0, q);
            tiles.walkSymmetric(queryBlockSize, offering(selectors, 0, excludeSameIndex), afterBlock);
            drain(selectors, 0, sink);
            return;
        }
        for (int start = 0; start < q; start += queryBlockSize) {
            int end = Math.min(q, start + queryBlockSize);
            TopKSelector[] selectors = newSelectors(depth, start, end);
            tiles.walk(start, end, offering(selectors, start, excludeSameIndex));
            drain(selectors, start, sink);
            runIfSet(afterBlock);
        }
    }

    private static TopKSelector[] newSelectors(int[] depth, int start, int end) {
        TopKSelector[] selectors = new TopKSelector[end - start];
        for (int i = 0; i < selectors.length; i++) {
            selectors[i] = depth[start + i] > 0 ? new TopKSelector(depth[start + i]) : null;
        }
        return selectors;
    }

    private static void drain(TopKSelector[] selectors, int start, SelectionSink sink) {
        for (int i = 0; i < selectors.length; i++) {
            if (selectors[i] != null) {
                sink.accept(start + i, selectors[i]);
                selectors[i] = null;
            }
        }
    }

    /** Offers each visited row to the selector of its query ({@code selectors[query - first]}), if any. */
    private static DistanceTiles.RowVisitor offering(TopKSelector[] selectors, int first, boolean excludeSameIndex) {
        return (query, refStart, cols, values) -> {
            TopKSelector selector = selectors[query - first];
            if (selector != null) {
                offerBelowThreshold(selector, values, refStart, cols, excludeSameIndex ? query : -1);
            }
        };
    }

    /**
     * Offers a row of candidates to a selector, skipping those that cannot enter: the row comes in ascending
     * reference order after every pair already kept, so a candidate enters only if its distance is strictly below
     * the selector's threshold.
     */
    static void offerBelowThreshold(TopKSelector selector, double[] values, int refStart, int cols, int self) {
        double threshold = selector.threshold();
        for (int j = 0; j < cols; j++) {
            // written as !(>=) so that a NaN distance is offered, as it was before the threshold test
            if (!(values[j] >= threshold) && refStart + j != self) {
                selector.offer(values[j], refStart + j);
                threshold = selector.threshold();
            }
        }
    }

    /**
     * Computes, for every query, the ranks of its relevant references within its top list, from one streaming
     * top-k pass (no second pass over the references).
     * <p>
     * The top list of query q holds its {@code L_q = min(C_q, max(R_q, minDepth))} nearest candidates, where
     * {@code R_q} is its number of relevant candidates and {@code C_q} its candidate count (a query with
     * {@code R_q = 0} gets an empty list). Every relevant reference ranked within the list is reported with its
     * exact full-ranking rank; {@link RelevantRanks#depth(int)} is {@code L_q}, and
     * {@link RelevantRanks#isComplete(int)} tells whether all {@code R_q} were found. Memory is
     * O(queryBlockSize &times; max L_q) for the lists plus the reported ranks; when the queries are the
     * references (the same matrix object) the lists of all queries, O(sum of L_q), are kept at once if they fit
     * in a quarter of the heap, and the walk computes each off-diagonal tile once for both of its blocks.
     * @param queries The query rows (Q&times;d).
     * @param queryLabels The query labels (length Q).
     * @param references The reference rows (N&times;d).
     * @param referenceLabels The reference labels (length N).
     * @param excludeSameIndex If true, query i skips reference i (requires Q &le; N).
     * @param minDepth The least list length, at least 1 (for example the largest cut-off K of a metric).
     * @param afterBlock Called after each block of queries (from the calling thread; in the symmetric walk after
     *                   each block's row of tiles), or null.
     * @return The relevant ranks within each query's top list.
     */
    public RelevantRanks relevantTopRanks(INDArray queries, int[] queryLabels, INDArray references,
                                          int[] referenceLabels, boolean excludeSameIndex, int minDepth,
                                          Runnable afterBlock) {
        if (minDepth < 1) {
            throw new IllegalArgumentException("minDepth must be at least 1, found " + minDepth);
        }
        DistanceTiles tiles = tiles(queries, references, excludeSameIndex);
        checkLabels(tiles.numQueries(), tiles.numReferences(), queryLabels, referenceLabels);
        int q = tiles.numQueries();
        int candidates = excludeSameIndex ? tiles.numReferences() - 1 : tiles.numReferences();
        int[] numRelevant = numRelevant(queryLabels, referenceLabels, excludeSameIndex);
        int[] depth = new int[q];
        for (int i = 0; i < q; i++) {
            depth[i] = numRelevant[i] == 0 ? 0 : Math.min(candidates, Math.max(numRelevant[i], minDepth));
        }
        int[][] ranks = new int[q][];
        Arrays.fill(ranks, new int[0]);
        selectNearest(tiles, depth, excludeSameIndex, (query, selector) ->
                ranks[query] = relevantPositions(selector, referenceLabels, queryLabels[query]), afterBlock);
        int[] numCandidates = new int[q];
        Arrays.fill(numCandidates, candidates);
        return new RelevantRanks(ranks, numCandidates, numRelevant, depth);
    }

    /** The 1-based positions, in the selector's sorted list, of the references labelled {@code label}. */
    private static int[] relevantPositions(TopKSelector selector, int[] referenceLabels, int label) {
        int[][] idx = new int[1][];
        selector.drainSorted(idx, new double[1][], 0);
        int count = 0;
        for (int ref : idx[0]) {
            if (referenceLabels[ref] == label) {
                count++;
            }
        }
        int[] out = new int[count];
        count = 0;
        for (int p = 0; p < idx[0].length; p++) {
            if (referenceLabels[idx[0][p]] == label) {
                out[count++] = p + 1;
            }
        }
        return out;
    }

    /** R_q per query: the references with the query's label, less the query's own index when excluded. */
    private static int[] numRelevant(int[] queryLabels, int[] referenceLabels, boolean excludeSameIndex) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (int label : referenceLabels) {
            counts.merge(label, 1, Integer::sum);
        }
        int[] out = new int[queryLabels.length];
        for (int i = 0; i < out.length; i++) {
            boolean selfRelevant = excludeSameIndex && referenceLabels[i] == queryLabels[i];
            out[i] = counts.getOrDefault(queryLabels[i], 0) - (selfRelevant ? 1 : 0);
        }
        return out;
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
        return relevantRanks(queries, queryLabels, references, referenceLabels, excludeSameIndex, null, null);
    }

    /**
     * Computes the exact full-ranking ranks of the relevant references for some of the queries, as
     * {@link #relevantRanks(INDArray, int[], INDArray, int[], boolean)} does for all of them.
     * <p>
     * The listed query rows are gathered into their own blocks, so a distance may differ from the one another
     * walk computes for the same pair by float rounding of the matrix product (a float32 near-tie may then
     * order differently; exact ties and float64 inputs rank the same).
     * @param queries The query rows (Q&times;d).
     * @param queryLabels The query labels (length Q).
     * @param references The reference rows (N&times;d).
     * @param referenceLabels The reference labels (length N).
     * @param excludeSameIndex If true, query i skips reference i (requires Q &le; N).
     * @param queryRows The query rows to rank, or null for all; row s of the result is query {@code queryRows[s]}.
     * @param afterWalk Called after each of the two walks of every block (from the calling thread), or null.
     * @return The ranks of the relevant references of the listed queries, in the order of {@code queryRows}.
     */
    public RelevantRanks relevantRanks(INDArray queries, int[] queryLabels, INDArray references,
                                       int[] referenceLabels, boolean excludeSameIndex, int[] queryRows,
                                       Runnable afterWalk) {
        DistanceTiles.checkMatrix("queries", queries);
        DistanceTiles.checkMatrix("references", references);
        checkLabels(queries.rows(), references.rows(), queryLabels, referenceLabels);
        if (excludeSameIndex && queries.rows() > references.rows()) {
            throw excludeNeedsMoreReferences(queries.rows(), references.rows());
        }
        int[] rows = queryRows != null ? queryRows : IntStream.range(0, queries.rows()).toArray();
        for (int row : rows) {
            if (row < 0 || row >= queries.rows()) {
                throw new IllegalArgumentException("query row " + row + " is outside 0.." + (queries.rows() - 1));
            }
        }
        INDArray selected = queryRows == null ? queries : Rows.gather(queries, rows);
        DistanceTiles tiles = new DistanceTiles(selected, references, distance, referenceBlockSize);
        int q = rows.length;
        int n = tiles.numReferences();
        int[][] ranks = new int[q][];
        int[] numCandidates = new int[q];
        for (int start = 0; start < q; start += queryBlockSize) {
            int end = Math.min(q, start + queryBlockSize);
            RelevantRankCounter[] counters = new RelevantRankCounter[end - start];
            for (int i = 0; i < counters.length; i++) {
                counters[i] = new RelevantRankCounter();
            }
            final int queryStart = start;
            tiles.walk(start, end, (row, refStart, cols, values) -> {
                int query = rows[row];
                int self = excludeSameIndex ? query : -1;
                int label = queryLabels[query];
                for (int j = 0; j < cols; j++) {
                    int ref = refStart + j;
                    if (ref != self && referenceLabels[ref] == label) {
                        counters[row - queryStart].addRelevant(values[j], ref);
                    }
                }
            });
            runIfSet(afterWalk);
            for (RelevantRankCounter counter : counters) {
                counter.seal();
            }
            tiles.walk(start, end, (row, refStart, cols, values) -> {
                int self = excludeSameIndex ? rows[row] : -1;
                RelevantRankCounter counter = counters[row - queryStart];
                for (int j = 0; j < cols; j++) {
                    int ref = refStart + j;
                    if (ref != self) {
                        counter.offerCandidate(values[j], ref);
                    }
                }
            });
            runIfSet(afterWalk);
            for (int i = 0; i < counters.length; i++) {
                ranks[start + i] = counters[i].ranks();
                numCandidates[start + i] = excludeSameIndex ? n - 1 : n;
            }
        }
        return new RelevantRanks(ranks, numCandidates);
    }

    private static void runIfSet(Runnable callback) {
        if (callback != null) {
            callback.run();
        }
    }

    private static void checkLabels(int q, int n, int[] queryLabels, int[] referenceLabels) {
        if (queryLabels.length != q || referenceLabels.length != n) {
            throw new IllegalArgumentException("expected " + q + " query labels and " + n
                    + " reference labels, found " + queryLabels.length + " and " + referenceLabels.length);
        }
    }

    private DistanceTiles tiles(INDArray queries, INDArray references, boolean excludeSameIndex) {
        DistanceTiles tiles = new DistanceTiles(queries, references, distance, referenceBlockSize);
        if (excludeSameIndex && tiles.numQueries() > tiles.numReferences()) {
            throw excludeNeedsMoreReferences(tiles.numQueries(), tiles.numReferences());
        }
        return tiles;
    }

    private static IllegalArgumentException excludeNeedsMoreReferences(int q, int n) {
        return new IllegalArgumentException("excludeSameIndex needs at most as many queries as references, found "
                + q + " queries and " + n + " references");
    }
}
