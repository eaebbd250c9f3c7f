package org.dml4j.index;

import com.github.jelmerk.hnswlib.core.SearchResult;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An approximate index: a hierarchical navigable small-world graph from jelmerk's hnswlib for Java
 * ({@code com.github.jelmerk:hnswlib-core}), with the parameters of its {@link HnswIndexSpec}.
 * <p>
 * Distances are computed in float32 in the units of {@link KnnDistance} (cosine rows are normalized when they
 * enter), so with a search beam at least as large as the index the results are those of {@link ExactIndex} up to
 * float rounding of near-ties. Results are sorted by distance, ties by row index. Rows can be added at any time
 * (the graph grows); searches may run concurrently with each other.
 * <p>
 * The graph is saved with Java serialization (hnswlib's own format) inside an {@link IndexFile}; reading it
 * accepts only the classes of such a graph, with bounded depth and array lengths, after the file's checksum has
 * been verified.
 */
public final class HnswIndex implements NearestNeighbourIndex {
    private static final int INITIAL_CAPACITY = 1024;
    private static final int PARALLEL_ADD_ROWS = 1024;

    /**
     * The classes a saved graph is made of (hnswlib's index and its item serializer, DML4J's rows and distances,
     * boxed ids, float arrays); everything else is refused while reading.
     */
    private static final String GRAPH_CLASSES = "com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;"
            + "com.github.jelmerk.hnswlib.core.JavaObjectSerializer;org.dml4j.index.GraphRow;"
            + "org.dml4j.index.GraphDistance;java.lang.Enum;java.lang.Integer;java.lang.Number;"
            + "java.util.Comparators$NaturalOrderComparator;!*";

    private volatile HnswIndexSpec spec;
    private final KnnDistance distance;
    private final int dimension;
    private final com.github.jelmerk.hnswlib.core.hnsw.HnswIndex<Integer, float[], GraphRow, Float> graph;

    /**
     * Creates an empty index ({@link HnswIndexSpec#create} does).
     * @param spec The graph parameters.
     * @param distance The dissimilarity to rank by.
     * @param dimension The width of the rows, at least 1.
     */
    HnswIndex(HnswIndexSpec spec, KnnDistance distance, int dimension) {
        this(spec, distance, dimension, com.github.jelmerk.hnswlib.core.hnsw.HnswIndex
                .newBuilder(checkDimension(dimension), GraphDistance.of(distance), INITIAL_CAPACITY)
                .withM(spec.maxDegree()).withEfConstruction(spec.constructionBeam()).withEf(spec.searchBeam())
                .build());
    }

    private HnswIndex(HnswIndexSpec spec, KnnDistance distance, int dimension,
                      com.github.jelmerk.hnswlib.core.hnsw.HnswIndex<Integer, float[], GraphRow, Float> graph) {
        this.spec = spec;
        this.distance = distance;
        this.dimension = dimension;
        this.graph = graph;
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
        return graph.size();
    }

    @Override
    public HnswIndexSpec spec() {
        return spec;
    }

    /**
     * Adds references; with several build threads and many rows they are inserted concurrently.
     * @param rows The new references (n&times;{@link #dimension()}), finite.
     */
    @Override
    public synchronized void add(INDArray rows) {
        List<GraphRow> items = new ArrayList<>();
        int first = graph.size();
        IndexRows.read("reference", rows, dimension, (row, values) -> items.add(new GraphRow(first + row,
                entering(values))));
        if (items.isEmpty()) {
            return;
        }
        if (graph.getMaxItemCount() < first + items.size()) {
            graph.resize(Math.max(first + items.size(), 2 * graph.getMaxItemCount()));
        }
        int threads = spec.buildThreads();
        if (threads > 1 && items.size() >= PARALLEL_ADD_ROWS) {
            try {
                graph.addAll(items, threads, (done, max) -> { }, Integer.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while adding references to the index", e);
            }
        } else {
            for (GraphRow item : items) {
                graph.add(item);
            }
        }
    }

    /** A copy of a row as the graph stores and compares it (unit length for the cosine distance). */
    private float[] entering(float[] values) {
        float[] copy = values.clone();
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
        if (graph.size() == 0) {
            throw new IllegalStateException("the index is empty; add references before searching");
        }
        int q = queries == null || queries.rank() != 2 ? 0 : queries.rows();
        int[][] indices = new int[q][];
        double[][] distances = new double[q][];
        IndexRows.read("query", queries, dimension, (row, values) -> {
            List<SearchResult<GraphRow, Float>> found = new ArrayList<>(graph.findNearest(entering(values), k));
            found.sort(Comparator.comparing((SearchResult<GraphRow, Float> r) -> r.distance())
                    .thenComparing(r -> r.item().id()));
            int n = Math.min(k, found.size());
            indices[row] = new int[n];
            distances[row] = new double[n];
            for (int j = 0; j < n; j++) {
                indices[row][j] = found.get(j).item().id();
                distances[row][j] = found.get(j).distance();
            }
        });
        return new KnnResult(indices, distances);
    }

    /**
     * Writes the graph (hnswlib's Java serialization) without closing the stream.
     * @param out The stream, positioned after the file header.
     * @throws IOException if writing fails.
     */
    void writePayload(DataOutputStream out) throws IOException {
        ObjectOutputStream objects = new ObjectOutputStream(new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        });
        objects.writeObject(graph);
        objects.flush();
    }

    /**
     * Reads a graph written by {@link #writePayload} and checks it against the file header.
     * @param spec The parameters from the header.
     * @param distance The distance from the header.
     * @param dimension The width from the header.
     * @param size The number of references from the header.
     * @param in The stream, positioned at the graph.
     * @return The index.
     * @throws IOException if reading fails.
     */
    @SuppressWarnings("unchecked")
    static HnswIndex readPayload(HnswIndexSpec spec, KnnDistance distance, int dimension, int size,
                                 DataInputStream in) throws IOException {
        ObjectInputStream objects = new ObjectInputStream(in);
        // each row is a GraphRow, its Integer id and its float[] (and a back reference); the rest is a few objects
        objects.setObjectInputFilter(ObjectInputFilter.Config.createFilter("maxdepth=64;maxarray=" + dimension
                + ";maxrefs=" + (4L * size + 1024) + ";" + GRAPH_CLASSES));
        Object read;
        try {
            read = objects.readObject();
        } catch (ClassNotFoundException | InvalidClassException e) {
            throw new IllegalArgumentException("the graph holds a class an index graph does not have: "
                    + e.getMessage(), e);
        }
        if (!(read instanceof com.github.jelmerk.hnswlib.core.hnsw.HnswIndex<?, ?, ?, ?> hnsw)) {
            throw new IllegalArgumentException("the payload is a " + read.getClass().getName() + ", not a graph");
        }
        var graph = (com.github.jelmerk.hnswlib.core.hnsw.HnswIndex<Integer, float[], GraphRow, Float>) hnsw;
        if (graph.size() != size || graph.getDimensions() != dimension || graph.getM() != spec.maxDegree()
                || graph.getDistanceFunction() != GraphDistance.of(distance)) {
            throw new IllegalArgumentException("the graph (" + graph.size() + " rows of width "
                    + graph.getDimensions() + ", M " + graph.getM() + ", " + graph.getDistanceFunction()
                    + ") does not match the header (" + size + " rows of width " + dimension + ", M "
                    + spec.maxDegree() + ", " + distance + ")");
        }
        for (int id = 0; id < size; id++) {
            if (graph.get(id).map(row -> row.vector().length != dimension).orElse(true)) {
                throw new IllegalArgumentException("the graph lacks row " + id + " or it has another width");
            }
        }
        graph.setEf(spec.searchBeam());
        return new HnswIndex(spec, distance, dimension, graph);
    }

    /**
     * Changes the search beam (a search-time choice: the graph stays as built). Not concurrently with searches.
     * @param beam ef, at least 1.
     */
    public synchronized void setSearchBeam(int beam) {
        HnswIndexSpec beamed = spec.withSearchBeam(beam);
        graph.setEf(beam);
        spec = beamed;
    }

    @Override
    public String toString() {
        return "HnswIndex(distance=" + distance + ", dimension=" + dimension + ", size=" + size() + ", " + spec
                + ")";
    }
}
