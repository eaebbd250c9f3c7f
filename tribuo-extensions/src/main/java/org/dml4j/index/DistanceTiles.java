package org.dml4j.index;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Walks the reference set in blocks for one block of queries and hands each (query block &times; reference
 * block) tile of {@link KnnDistance} values to a visitor.
 * <p>
 * Each tile is one ND4J {@code gemm}; the tile values for a given (query, reference) pair are the same on
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
    private static final WorkspaceConfiguration WORKSPACE = WorkspaceConfiguration.builder()
            .initialSize(0)
            .policyAllocation(AllocationPolicy.OVERALLOCATE)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .build();

    /** Receives one tile of distances in row-major order. */
    interface TileVisitor {
        /**
         * @param refStart The reference index of the tile's first column.
         * @param rows The number of queries in the tile.
         * @param cols The number of references in the tile.
         * @param values {@code rows * cols} distances, row-major.
         */
        void visit(int refStart, int rows, int cols, double[] values);
    }

    private final INDArray queries;
    private final INDArray references;
    private final KnnDistance distance;
    private final int referenceBlockSize;
    private final double[] queryNorms;
    private final double[] referenceNorms;

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
        INDArray q = queries.castTo(type);
        INDArray r = references.castTo(type);
        if (distance == KnnDistance.COSINE) {
            q = normalizeRows(q);
            r = normalizeRows(r);
        }
        this.queries = q;
        this.references = r;
        this.distance = distance;
        this.referenceBlockSize = referenceBlockSize;
        boolean euclidean = distance == KnnDistance.SQUARED_EUCLIDEAN;
        this.queryNorms = euclidean ? squaredRowNorms(q) : null;
        this.referenceNorms = euclidean ? squaredRowNorms(r) : null;
    }

    private static void checkMatrix(String name, INDArray m) {
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
        return Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, WORKSPACE_ID);
    }

    int numQueries() {
        return queries.rows();
    }

    int numReferences() {
        return references.rows();
    }

    /** Visits every tile of queries {@code [queryStart, queryEnd)} in ascending reference order. */
    void walk(int queryStart, int queryEnd, TileVisitor visitor) {
        INDArray qBlock = queries.get(NDArrayIndex.interval(queryStart, queryEnd), NDArrayIndex.all());
        int rows = queryEnd - queryStart;
        int n = numReferences();
        for (int refStart = 0; refStart < n; refStart += referenceBlockSize) {
            int refEnd = Math.min(n, refStart + referenceBlockSize);
            double[] values;
            try (MemoryWorkspace ignored = workspace()) {
                INDArray rBlock = references.get(NDArrayIndex.interval(refStart, refEnd), NDArrayIndex.all());
                INDArray products = Nd4j.gemm(qBlock, rBlock, false, true);
                values = Nd4j.toFlattened('c', products).castTo(DataType.DOUBLE).toDoubleVector();
            }
            int cols = refEnd - refStart;
            toDistances(values, queryStart, refStart, rows, cols);
            visitor.visit(refStart, rows, cols, values);
        }
    }

    private void toDistances(double[] values, int queryStart, int refStart, int rows, int cols) {
        switch (distance) {
            case SQUARED_EUCLIDEAN:
                for (int i = 0; i < rows; i++) {
                    double qn = queryNorms[queryStart + i];
                    int base = i * cols;
                    for (int j = 0; j < cols; j++) {
                        double d = qn + referenceNorms[refStart + j] - 2.0 * values[base + j];
                        values[base + j] = d > 0.0 ? d : 0.0;
                    }
                }
                break;
            case COSINE:
                for (int k = 0; k < values.length; k++) {
                    values[k] = 1.0 - values[k];
                }
                break;
            case DOT:
                for (int k = 0; k < values.length; k++) {
                    values[k] = -values[k];
                }
                break;
            default:
                throw new IllegalStateException("Unknown distance " + distance);
        }
    }
}
