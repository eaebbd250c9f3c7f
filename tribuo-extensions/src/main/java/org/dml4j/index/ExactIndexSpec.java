package org.dml4j.index;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;

/** Builds {@link ExactIndex}es: brute-force search in tiles of the given block sizes. */
public final class ExactIndexSpec implements IndexSpec {

    @Config(description = "Queries per distance tile.")
    private int queryBlockSize = ExactKnn.DEFAULT_QUERY_BLOCK_SIZE;

    @Config(description = "References per distance tile.")
    private int referenceBlockSize = ExactKnn.DEFAULT_REFERENCE_BLOCK_SIZE;

    /** Creates a specification with the default block sizes. */
    public ExactIndexSpec() {
    }

    /**
     * Creates a specification.
     * @param queryBlockSize Queries per tile, at least 1.
     * @param referenceBlockSize References per tile, at least 1.
     */
    public ExactIndexSpec(int queryBlockSize, int referenceBlockSize) {
        this.queryBlockSize = queryBlockSize;
        this.referenceBlockSize = referenceBlockSize;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (queryBlockSize < 1) {
            throw new PropertyException("", "queryBlockSize", "queryBlockSize must be at least 1, found "
                    + queryBlockSize);
        }
        if (referenceBlockSize < 1) {
            throw new PropertyException("", "referenceBlockSize", "referenceBlockSize must be at least 1, found "
                    + referenceBlockSize);
        }
    }

    /**
     * Queries per tile.
     * @return The query block size.
     */
    public int queryBlockSize() {
        return queryBlockSize;
    }

    /**
     * References per tile.
     * @return The reference block size.
     */
    public int referenceBlockSize() {
        return referenceBlockSize;
    }

    @Override
    public ExactIndex create(KnnDistance distance, int dimension) {
        return new ExactIndex(this, distance, dimension);
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "IndexSpec");
    }

    @Override
    public String toString() {
        return "ExactIndexSpec(queryBlockSize=" + queryBlockSize + ", referenceBlockSize=" + referenceBlockSize + ")";
    }
}
