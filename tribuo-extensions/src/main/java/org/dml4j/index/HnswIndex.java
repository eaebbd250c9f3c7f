package org.dml4j.index;

import org.apache.lucene.codecs.hnsw.DefaultFlatVectorScorer;
import org.apache.lucene.search.TaskExecutor;
import org.apache.lucene.util.FixedBitSet;
import org.apache.lucene.util.hnsw.HnswConcurrentMergeBuilder;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;
import org.apache.lucene.util.hnsw.InitializedHnswGraphBuilder;
import org.apache.lucene.util.hnsw.OnHeapHnswGraph;
import org.apache.lucene.util.hnsw.RandomAccessVectorValues;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * An approximate index: a hierarchical navigable small-world graph built and searched by Apache Lucene's HNSW
 * ({@code org.apache.lucene.util.hnsw}, used on its own over float32 rows), with the parameters of its
 * {@link HnswIndexSpec}: M, the insertion beam (efConstruction) and the search beam (ef; a search collects
 * {@code max(ef, k)} candidates and returns the k nearest).
 * <p>
 * Distances are computed in float32 in the units of {@link KnnDistance} (cosine rows are normalized when they
 * enter), so with a search beam at least as large as the index the results are those of {@link ExactIndex} up to
 * float rounding of near-ties. Results are sorted by distance, ties by row index. Rows can be added at any time
 * (the graph grows; insertion is seeded, so one thread builds the same graph every time); searches run
 * concurrently with each other and wait for an add in progress. Lucene builds the graph; a {@link GraphSearcher}
 * searches it, one per searching thread with its scratch kept between queries.
 * <p>
 * The graph is saved inside an {@link IndexFile} as its rows and its levels and neighbour lists
 * ({@link StoredGraph}), every count and id checked on reading.
 */
public final class HnswIndex implements NearestNeighbourIndex {
    private static final int PARALLEL_ADD_ROWS = 1024;
    private static final long SEED = 42;

    private volatile HnswIndexSpec spec;
    private final KnnDistance distance;
    private final GraphDistance graphDistance;
    private final int dimension;
    private final List<float[]> rows;
    private final RandomAccessVectorValues.Floats vectors;
    private final RandomVectorScorerSupplier scorers;
    /** The graph; replaced by a copy when a concurrent add needs one of known size (see {@link #add}). */
    private OnHeapHnswGraph graph;
    /** Whether {@link #graph} grows as nodes are added (Lucene's concurrent builder needs a graph of fixed size). */
    private boolean growable = true;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    /**
     * Searchers not in use; a search takes one (or makes one) and gives it back, so each thread reuses scratch. There
     * are as many as searches ever ran at once, each holding 4 bytes per reference.
     */
    private final Queue<GraphSearcher> idleSearchers = new ConcurrentLinkedQueue<>();

    /**
     * Creates an empty index ({@link HnswIndexSpec#create} does).
     * @param spec The graph parameters.
     * @param distance The dissimilarity to rank by.
     * @param dimension The width of the rows, at least 1.
     */
    HnswIndex(HnswIndexSpec spec, KnnDistance distance, int dimension) {
        this(spec, distance, dimension, new ArrayList<>(), null);
    }

    private HnswIndex(HnswIndexSpec spec, KnnDistance distance, int dimension, List<float[]> rows,
                      StoredGraph stored) {
        this.spec = spec;
        this.distance = distance;
        this.graphDistance = GraphDistance.of(distance);
        this.dimension = checkDimension(dimension);
        this.rows = rows;
        this.vectors = RandomAccessVectorValues.fromFloats(rows, dimension);
        try {
            this.scorers = DefaultFlatVectorScorer.INSTANCE.getRandomVectorScorerSupplier(graphDistance.similarity(),
                    vectors);
            this.graph = stored == null
                    ? HnswGraphBuilder.create(scorers, spec.maxDegree(), spec.constructionBeam(), SEED).getGraph()
                    // -1: a graph that grows as rows are added after loading
                    : InitializedHnswGraphBuilder.initGraph(spec.maxDegree(), stored, identity(rows.size()), -1);
        } catch (IOException e) {
            throw new UncheckedIOException("Lucene's in-memory HNSW graph failed to initialise", e);
        }
    }

    private static int[] identity(int n) {
        int[] map = new int[n];
        Arrays.setAll(map, i -> i);
        return map;
    }

    private static int checkDimension(int dimension) {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be at least 1, found " + dimension);
        }
        return dimension;
    }

    @Override
    public KnnDistance distance() {
        return distance;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public int size() {
        lock.readLock().lock();
        try {
            return rows.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public HnswIndexSpec spec() {
        return spec;
    }

    /**
     * Adds references; with several build threads and many rows they are inserted concurrently.
     * @param added The new references (n&times;{@link #dimension()}), finite.
     */
    @Override
    public void add(INDArray added) {
        List<float[]> entering = new ArrayList<>();
        IndexRows.read("reference", added, dimension, (row, values) -> entering.add(entering(values)));
        if (entering.isEmpty()) {
            return;
        }
        lock.writeLock().lock();
        try {
            int first = rows.size();
            rows.addAll(entering);
            FixedBitSet present = new FixedBitSet(rows.size());
            if (first > 0) {
                present.set(0, first);
            }
            int threads = spec.buildThreads();
            if (threads > 1 && entering.size() >= PARALLEL_ADD_ROWS) {
                graph = copy(rows.size());
                growable = false;
                addConcurrently(present, threads);
            } else {
                if (!growable) {
                    graph = copy(-1);
                    growable = true;
                }
                // seeded by the batch's first row: the same adds give the same graph, batches draw distinct levels
                InitializedHnswGraphBuilder builder = new InitializedHnswGraphBuilder(scorers, spec.maxDegree(),
                        spec.constructionBeam(), SEED + first, graph, present);
                for (int node = first; node < rows.size(); node++) {
                    builder.addGraphNode(node);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Lucene's in-memory HNSW graph failed to add rows", e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** A copy of the graph's nodes and links in a graph of the given size, or growable for -1. */
    private OnHeapHnswGraph copy(int size) throws IOException {
        if (graph.size() == 0) {
            return HnswGraphBuilder.create(scorers, spec.maxDegree(), spec.constructionBeam(), SEED, size).getGraph();
        }
        return InitializedHnswGraphBuilder.initGraph(spec.maxDegree(), graph, identity(graph.size()), size);
    }

    /** Inserts the rows not yet present with Lucene's concurrent builder over the graph. */
    private void addConcurrently(FixedBitSet present, int threads) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            new HnswConcurrentMergeBuilder(new TaskExecutor(pool), threads, scorers, spec.maxDegree(),
                    spec.constructionBeam(), graph, present).build(rows.size());
        } finally {
            pool.shutdownNow();
        }
    }

    /** A copy of a row as the graph stores and compares it (unit length for the cosine distance). */
    private float[] entering(float[] values) {
        return entering(values, new float[dimension]);
    }

    /** Copies a row into {@code copy} as the graph stores and compares it; returns {@code copy}. */
    private float[] entering(float[] values, float[] copy) {
        System.arraycopy(values, 0, copy, 0, dimension);
        if (distance == KnnDistance.COSINE) {
            GraphDistance.normalize(copy);
        }
        return copy;
    }

    /**
     * Searches with the specification's beam (at least k).
     * @param queries The query rows (Q&times;{@link #dimension()}), finite.
     * @param k The number of neighbours, at least 1.
     * @return The neighbours, nearest first.
     */
    @Override
    public KnnResult search(INDArray queries, int k) {
        IndexRows.checkK(k);
        int q = queries == null || queries.rank() != 2 ? 0 : queries.rows();
        int[][] indices = new int[q][];
        double[][] distances = new double[q][];
        GraphSearcher searcher = idleSearchers.poll();
        if (searcher == null) {
            searcher = new GraphSearcher();
        }
        lock.readLock().lock();
        try {
            if (rows.isEmpty()) {
                throw new IllegalStateException("the index is empty; add references before searching");
            }
            int beam = Math.max(spec.searchBeam(), k);
            float[] query = new float[dimension];
            int[] ids = new int[k];
            float[] d = new float[k];
            GraphSearcher s = searcher;
            IndexRows.read("query", queries, dimension, (row, values) -> {
                entering(values, query);
                int n = s.search(graph, rows, graphDistance, query, beam, k, ids, d);
                indices[row] = Arrays.copyOf(ids, n);
                distances[row] = new double[n];
                for (int j = 0; j < n; j++) {
                    distances[row][j] = d[j];
                }
            });
        } finally {
            lock.readLock().unlock();
            idleSearchers.offer(searcher);
        }
        return new KnnResult(indices, distances);
    }

    /**
     * Writes the rows (as the graph holds them) and the graph without closing the stream.
     * @param out The stream, positioned after the file header.
     * @throws IOException if writing fails.
     */
    void writePayload(DataOutputStream out) throws IOException {
        lock.readLock().lock();
        try {
            for (float[] row : rows) {
                for (float v : row) {
                    out.writeFloat(v);
                }
            }
            StoredGraph.write(out, graph);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Reads an index written by {@link #writePayload}, checking the graph against the file header.
     * @param spec The parameters from the header.
     * @param distance The distance from the header.
     * @param dimension The width from the header.
     * @param size The number of references from the header.
     * @param in The stream, positioned at the rows.
     * @return The index.
     * @throws IOException if reading fails.
     */
    static HnswIndex readPayload(HnswIndexSpec spec, KnnDistance distance, int dimension, int size,
                                 DataInputStream in) throws IOException {
        List<float[]> rows = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            float[] row = new float[dimension];
            for (int j = 0; j < dimension; j++) {
                row[j] = in.readFloat();
                if (!Float.isFinite(row[j])) {
                    throw new IllegalArgumentException("row " + i + " of the graph holds a non-finite value");
                }
            }
            rows.add(row);
        }
        StoredGraph graph = StoredGraph.read(in, size, spec.maxDegree());
        return new HnswIndex(spec, distance, dimension, rows, graph);
    }

    /**
     * Changes the search beam (a search-time choice: the graph stays as built).
     * @param beam ef, at least 1.
     */
    public void setSearchBeam(int beam) {
        spec = spec.withSearchBeam(beam);
    }

    @Override
    public String toString() {
        return "HnswIndex(distance=" + distance + ", dimension=" + dimension + ", size=" + size() + ", " + spec
                + ")";
    }
}
