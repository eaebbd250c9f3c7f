package org.dml4j.distance;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A distance computed in blocks of query rows (PML's {@code BatchedDistance}): for a large reference set the
 * queries-by-references matrix is never held whole, only {@code batchSize} rows of it at a time, each handed to a
 * {@link Block} callback with its row range (PML's {@code iter_fn(mat, s, e)}). Every block holds exactly the rows
 * {@code distance.pairwise(queries, references)} would, and its backward pass gives those queries' gradients.
 */
public final class BatchedDistance implements Configurable, Provenancable<ConfiguredObjectProvenance> {

    /** PML's default number of query rows per block. */
    public static final int DEFAULT_BATCH_SIZE = 32;

    @Config(mandatory = true, description = "The distance computed block by block.")
    private Distance distance;

    @Config(description = "Query rows per block (PML default " + DEFAULT_BATCH_SIZE + ").")
    private int batchSize = DEFAULT_BATCH_SIZE;

    /** What to do with one block of the matrix. */
    @FunctionalInterface
    public interface Block {
        /**
         * Receives rows {@code [start, end)} of the matrix.
         *
         * @param matrix the {@code (end - start) × N} block, queries {@code start..end-1} against all references
         * @param start  the first query row of the block
         * @param end    one past the last query row
         */
        void accept(PairwiseMatrix matrix, int start, int end);
    }

    private BatchedDistance() {
        // For OLCUT.
    }

    /**
     * Creates the blocked distance.
     *
     * @param distance  the distance
     * @param batchSize query rows per block
     */
    public BatchedDistance(Distance distance, int batchSize) {
        this.distance = distance;
        this.batchSize = batchSize;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (distance == null) {
            throw new PropertyException("", "distance", "distance must be set");
        }
        if (batchSize < 1) {
            throw new PropertyException("", "batchSize", "batchSize must be >= 1, found " + batchSize);
        }
    }

    /** @return the distance computed block by block */
    public Distance distance() {
        return distance;
    }

    /**
     * Computes the matrix of the queries against themselves, block by block (as PML, a block compares its rows with
     * every row, its own included).
     *
     * @param queries the rows, B × d
     * @param block   called once per block, in row order
     */
    public void forEachBlock(INDArray queries, Block block) {
        forEachBlock(queries, queries, block);
    }

    /**
     * Computes the matrix of the queries against the references, block by block.
     *
     * @param queries    the query rows, B × d
     * @param references the reference rows, N × d
     * @param block      called once per block, in row order
     */
    public void forEachBlock(INDArray queries, INDArray references, Block block) {
        if (queries.rank() != 2) {
            throw new IllegalArgumentException("queries must be a matrix, found rank " + queries.rank());
        }
        int rows = queries.rows();
        for (int start = 0; start < rows; start += batchSize) {
            int end = Math.min(start + batchSize, rows);
            INDArray slice = queries.get(NDArrayIndex.interval(start, end), NDArrayIndex.all());
            block.accept(distance.pairwise(slice, references), start, end);
        }
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "Distance");
    }

    @Override
    public String toString() {
        return "BatchedDistance(distance=" + distance + ", batchSize=" + batchSize + ")";
    }
}
