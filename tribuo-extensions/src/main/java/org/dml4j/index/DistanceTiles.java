package org.dml4j.index;

import org.dml4j.nd.MatrixProducts;
import org.dml4j.nd.Workspaces;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/**
 * Walks the reference set in blocks for one block of queries and hands each (query block &times; reference
 * block) tile of {@link KnnDistance} values to a visitor, one query row at a time.
 * <p>
 * Each tile is one ND4J {@code gemm} in the inputs' type (float32 stays float32: the product is read straight
 * from its native buffer, with no float64 copy of the tile); the distance of a pair is computed in float64 from
 * the product and the cached row norms. The tile values for a given (query, reference) pair are the same on
 * every walk with the same block sizes, which the two-pass rank computation relies on.
 * <p>
 * Every temporary ND4J array of a tile (and of the row-norm pass) lives in one thread-local workspace that
 * is reused from tile to tile, so native memory stays at about three tiles instead of growing with the
 * number of tiles until the garbage collector frees them.
 */
final class DistanceTiles {
    /** Rows per block when computing the squared row norms. */
    private static final int NORM_BLOCK = 65536;
    private static final String WORKSPACE_ID = "DML4J_KNN_TILE";
    /** Queries whose transposed tile rows are read together. */
    private static final int COLUMN_GROUP = 16;
    /** Each thread's rows of distances, reused from tile to tile. */
    private static final ThreadLocal<double[][]> ROWS = ThreadLocal.withInitial(() -> new double[0][]);
    /** Each thread's float32 products, copied from the native buffer in bulk. */
    private static final ThreadLocal<float[]> RAW = ThreadLocal.withInitial(() -> new float[0]);

    /** Receives the distances of one query of a tile to the tile's references. */
    interface RowVisitor {
        /**
         * Called once per (query, reference block), possibly from several threads at once but never twice at
         * once for the same query.
         * @param query The query's row index in the queries.
         * @param refStart The reference index of {@code distances[0]}.
         * @param cols The number of references in the tile.
         * @param distances {@code cols} distances (the array may be longer; it is reused after the call).
         */
        void visit(int query, int refStart, int cols, double[] distances);
    }

    private final INDArray queries;
    private final INDArray references;
    private final KnnDistance distance;
    private final int referenceBlockSize;
    private final double[] queryNorms;
    private final double[] referenceNorms;
    private final boolean self;

    /**
     * Prepares the inputs: casts them to a common floating type, normalizes rows for cosine and caches squared
     * row norms for Euclidean.
     */
    DistanceTiles(INDArray queries, INDArray references, KnnDistance distance, int referenceBlockSize) {
        checkMatrix("queries", queries);
        checkMatrix("references", references);
        if (queries.columns() != references.columns()) {
            throw new IllegalArgumentException("queries have " + queries.columns()
                    + " columns but references have " + references.columns());
        }
        DataType type = queries.dataType() == DataType.DOUBLE || references.dataType() == DataType.DOUBLE
                ? DataType.DOUBLE : DataType.FLOAT;
        this.self = queries == references;
        INDArray q = queries.castTo(type);
        if (distance == KnnDistance.COSINE) {
            q = normalizeRows(q);
        }
        INDArray r = self ? q : references.castTo(type);
        if (distance == KnnDistance.COSINE && !self) {
            r = normalizeRows(r);
        }
        this.queries = q;
        this.references = r;
        this.distance = distance;
        this.referenceBlockSize = referenceBlockSize;
        boolean euclidean = distance == KnnDistance.SQUARED_EUCLIDEAN;
        this.queryNorms = euclidean ? squaredRowNorms(q) : null;
        this.referenceNorms = euclidean && !self ? squaredRowNorms(r) : queryNorms;
    }

    /** Whether the queries are the references (the same matrix object), so that the distances are symmetric. */
    boolean isSelf() {
        return self;
    }

    static void checkMatrix(String name, INDArray m) {
        if (m == null || m.rank() != 2) {
            throw new IllegalArgumentException(name + " must be a rank-2 matrix, found "
                    + (m == null ? "null" : "rank " + m.rank()));
        }
        if (!m.dataType().isFPType()) {
            throw new IllegalArgumentException(name + " must be floating point, found " + m.dataType());
        }
    }

    static INDArray normalizeRows(INDArray m) {
        INDArray norms = m.norm2(1).reshape(m.rows(), 1);
        Transforms.max(norms, 1e-12, false);
        return m.divColumnVector(norms);
    }

    private static double[] squaredRowNorms(INDArray m) {
        double[] out = new double[m.rows()];
        for (int start = 0; start < out.length; start += NORM_BLOCK) {
            int end = Math.min(out.length, start + NORM_BLOCK);
            try (MemoryWorkspace ignored = workspace()) {
                INDArray block = m.get(NDArrayIndex.interval(start, end), NDArrayIndex.all());
                double[] norms = block.mul(block).sum(1).castTo(DataType.DOUBLE).toDoubleVector();
                System.arraycopy(norms, 0, out, start, norms.length);
            }
        }
        return out;
    }

    private static MemoryWorkspace workspace() {
        return Workspaces.pass(WORKSPACE_ID);
    }

    int numQueries() {
        return queries.rows();
    }

    int numReferences() {
        return references.rows();
    }

    /**
     * Visits every tile of queries {@code [queryStart, queryEnd)} in ascending reference order. Each tile is one
     * matrix product; its rows are turned into distances (read straight from the product's float32 or float64
     * buffer) and visited in parallel over the common fork-join pool.
     */
    void walk(int queryStart, int queryEnd, RowVisitor visitor) {
        INDArray qBlock = rows(queries, queryStart, queryEnd);
        int n = numReferences();
        for (int refStart = 0; refStart < n; refStart += referenceBlockSize) {
            int refEnd = Math.min(n, refStart + referenceBlockSize);
            try (MemoryWorkspace ignored = workspace()) {
                INDArray products = MatrixProducts.product(qBlock, rows(references, refStart, refEnd), false, true);
                visitRows(products, false, queryStart, refStart, visitor);
            }
        }
    }

    /**
     * Self mode ({@link #isSelf()}): visits every query against every reference, as {@link #walk} does for all
     * query blocks, with half the matrix products. Blocks of {@code blockSize} rows; the product of blocks I and
     * J &ge; I is computed once and serves block I's queries (its rows) and block J's (its transpose, the same
     * values, so d(i, j) = d(j, i) exactly). Every query sees the reference blocks in ascending order.
     * @param blockSize Rows per block.
     * @param visitor Receives the rows; all queries' state must be live at once.
     * @param afterBlockRow Called after all the tiles of each block I (from the calling thread), or null.
     */
    void walkSymmetric(int blockSize, RowVisitor visitor, Runnable afterBlockRow) {
        if (!self) {
            throw new IllegalStateException("walkSymmetric needs the queries to be the references");
        }
        int n = numReferences();
        for (int start = 0; start < n; start += blockSize) {
            int end = Math.min(n, start + blockSize);
            INDArray block = rows(queries, start, end);
            for (int other = start; other < n; other += blockSize) {
                int otherEnd = Math.min(n, other + blockSize);
                try (MemoryWorkspace ignored = workspace()) {
                    INDArray products = MatrixProducts.product(block, rows(references, other, otherEnd), false, true);
                    visitRows(products, false, start, other, visitor);
                    if (other != start) {
                        visitRows(products, true, other, start, visitor);
                    }
                }
            }
            if (afterBlockRow != null) {
                afterBlockRow.run();
            }
        }
    }

    private static INDArray rows(INDArray m, int start, int end) {
        return m.get(NDArrayIndex.interval(start, end), NDArrayIndex.all());
    }

    /**
     * Visits the rows (or, {@code transposed}, the columns, read in place) of one tile's product in parallel, as
     * distances. Columns are read {@value #COLUMN_GROUP} at a time, so that each cache line of the product is
     * read once.
     */
    private void visitRows(INDArray product, boolean transposed, int queryStart, int refStart, RowVisitor visitor) {
        // gemm returns c order, except for some vector shapes
        INDArray products = product.ordering() == 'c' && product.elementWiseStride() == 1 ? product : product.dup('c');
        TileRows tile = new TileRows(products, transposed, queryStart, refStart);
        int cols = tile.cols;
        if (!transposed) {
            IntStream.range(0, tile.rows).parallel().forEach(i -> {
                double[] row = rowBuffers(1, cols)[0];
                tile.distances(i, row);
                visitor.visit(queryStart + i, refStart, cols, row);
            });
            return;
        }
        int groups = (tile.rows + COLUMN_GROUP - 1) / COLUMN_GROUP;
        IntStream.range(0, groups).parallel().forEach(g -> {
            int first = g * COLUMN_GROUP;
            int count = Math.min(COLUMN_GROUP, tile.rows - first);
            double[][] out = rowBuffers(COLUMN_GROUP, cols);
            tile.columnDistances(first, count, out);
            for (int k = 0; k < count; k++) {
                visitor.visit(queryStart + first + k, refStart, cols, out[k]);
            }
        });
    }

    /** This thread's reusable row buffers, at least {@code count} of at least {@code cols} values. */
    private static double[][] rowBuffers(int count, int cols) {
        double[][] rows = ROWS.get();
        if (rows.length < count || rows[0].length < cols) {
            rows = new double[Math.max(count, rows.length)][Math.max(cols, rows.length == 0 ? 0 : rows[0].length)];
            ROWS.set(rows);
        }
        return rows;
    }

    /**
     * One tile's matrix product (contiguous c order), read as distances one query row at a time: the product's
     * rows, or its columns when the tile serves the other block of a symmetric pair.
     */
    private final class TileRows {
        private final FloatBuffer floats;
        private final DoubleBuffer doubles;
        private final int queryStart;
        private final int refStart;
        final int rows;
        final int cols;
        /** Buffer steps between consecutive queries and between consecutive references. */
        private final int rowStep;
        private final int colStep;

        TileRows(INDArray products, boolean transposed, int queryStart, int refStart) {
            boolean single = products.dataType() == DataType.FLOAT;
            Nd4j.getAffinityManager().ensureLocation(products, AffinityManager.Location.HOST);
            this.floats = single ? products.data().asNioFloat() : null;
            this.doubles = single ? null : products.data().asNioDouble();
            this.queryStart = queryStart;
            this.refStart = refStart;
            int physicalCols = products.columns();
            this.rows = transposed ? physicalCols : products.rows();
            this.cols = transposed ? products.rows() : physicalCols;
            this.rowStep = transposed ? 1 : physicalCols;
            this.colStep = transposed ? physicalCols : 1;
        }

        /** Writes the distances of query {@code queryStart + i} to the tile's references into {@code out}. */
        void distances(int i, double[] out) {
            int base = i * rowStep;
            if (floats != null) {
                float[] raw = floatBuffer(cols);
                floats.get(base, raw, 0, cols);
                for (int j = 0; j < cols; j++) {
                    out[j] = raw[j];
                }
            } else {
                doubles.get(base, out, 0, cols);
            }
            toDistances(queryStart + i, out);
        }

        /**
         * Writes the distances of queries {@code queryStart + first ...} ({@code count} of them) into {@code out[k]},
         * reading the product row by row ({@code count} consecutive values each): for a transposed tile, whose
         * queries are the product's columns.
         */
        void columnDistances(int first, int count, double[][] out) {
            float[] raw = floatBuffer(count);
            double[] rawDoubles = new double[floats != null ? 0 : count];
            for (int j = 0; j < cols; j++) {
                int base = first * rowStep + j * colStep;
                if (floats != null) {
                    floats.get(base, raw, 0, count);
                    for (int k = 0; k < count; k++) {
                        out[k][j] = raw[k];
                    }
                } else {
                    doubles.get(base, rawDoubles, 0, count);
                    for (int k = 0; k < count; k++) {
                        out[k][j] = rawDoubles[k];
                    }
                }
            }
            for (int k = 0; k < count; k++) {
                toDistances(queryStart + first + k, out[k]);
            }
        }

        /** Turns one query's products with the tile's references, in place, into distances. */
        private void toDistances(int query, double[] row) {
            switch (distance) {
                case SQUARED_EUCLIDEAN:
                    double qn = queryNorms[query];
                    for (int j = 0; j < cols; j++) {
                        double d = qn + referenceNorms[refStart + j] - 2.0 * row[j];
                        row[j] = d > 0.0 ? d : 0.0;
                    }
                    break;
                case COSINE:
                    for (int j = 0; j < cols; j++) {
                        row[j] = 1.0 - row[j];
                    }
                    break;
                case DOT:
                    for (int j = 0; j < cols; j++) {
                        row[j] = -row[j];
                    }
                    break;
                default:
                    throw new IllegalStateException("Unknown distance " + distance);
            }
        }
    }

    /** This thread's reusable float32 buffer of at least {@code length} values. */
    private static float[] floatBuffer(int length) {
        float[] raw = RAW.get();
        if (raw.length < length) {
            raw = new float[length];
            RAW.set(raw);
        }
        return raw;
    }
}
