package org.dml4j.index;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;

/**
 * Builds {@link HnswIndex}es: hierarchical navigable small-world graphs (Malkov and Yashunin, "Efficient and
 * robust approximate nearest neighbor search using Hierarchical Navigable Small World graphs", TPAMI 2018).
 * <p>
 * {@code maxDegree} is the paper's M (each node keeps at most M neighbours per upper layer and 2M on the bottom
 * layer, as in hnswlib and faiss); {@code constructionBeam} is efConstruction, the candidate list while inserting;
 * {@code searchBeam} is ef, the candidate list while searching (at least k is used). Larger values raise recall
 * and cost time; the defaults (16, 100, 64) are faiss's and hnswlib's usual starting point.
 */
public final class HnswIndexSpec implements IndexSpec {

    /** The default M. */
    public static final int DEFAULT_MAX_DEGREE = 16;
    /** The default efConstruction. */
    public static final int DEFAULT_CONSTRUCTION_BEAM = 100;
    /** The default ef. */
    public static final int DEFAULT_SEARCH_BEAM = 64;

    @Config(description = "M: neighbours kept per node on the upper layers (2M on the bottom layer).")
    private int maxDegree = DEFAULT_MAX_DEGREE;

    @Config(description = "efConstruction: the candidate list length while inserting a node.")
    private int constructionBeam = DEFAULT_CONSTRUCTION_BEAM;

    @Config(description = "ef: the candidate list length while searching (at least k is used).")
    private int searchBeam = DEFAULT_SEARCH_BEAM;

    @Config(description = "Threads that insert nodes when many rows are added at once.")
    private int buildThreads = 1;

    /** Creates a specification with the defaults (M 16, efConstruction 100, ef 64, one build thread). */
    public HnswIndexSpec() {
    }

    /**
     * Creates a specification.
     * @param maxDegree M, at least 2.
     * @param constructionBeam efConstruction, at least 1.
     * @param searchBeam ef, at least 1.
     * @param buildThreads Threads that insert nodes, at least 1 (with more than one, concurrent insertions make
     *                     the graph depend on thread timing).
     */
    public HnswIndexSpec(int maxDegree, int constructionBeam, int searchBeam, int buildThreads) {
        this.maxDegree = maxDegree;
        this.constructionBeam = constructionBeam;
        this.searchBeam = searchBeam;
        this.buildThreads = buildThreads;
        postConfig();
    }

    @Override
    public void postConfig() {
        require("maxDegree", maxDegree, 2);
        require("constructionBeam", constructionBeam, 1);
        require("searchBeam", searchBeam, 1);
        require("buildThreads", buildThreads, 1);
    }

    private static void require(String field, int value, int least) {
        if (value < least) {
            throw new PropertyException("", field, field + " must be at least " + least + ", found " + value);
        }
    }

    /**
     * M.
     * @return The upper-layer degree.
     */
    public int maxDegree() {
        return maxDegree;
    }

    /**
     * efConstruction.
     * @return The insertion beam.
     */
    public int constructionBeam() {
        return constructionBeam;
    }

    /**
     * ef.
     * @return The search beam.
     */
    public int searchBeam() {
        return searchBeam;
    }

    /**
     * The insertion threads.
     * @return The number of threads that insert nodes.
     */
    public int buildThreads() {
        return buildThreads;
    }

    /**
     * The same graph parameters with another search beam (the beam is a search-time choice).
     * @param beam ef, at least 1.
     * @return A specification with {@code searchBeam = beam}.
     */
    public HnswIndexSpec withSearchBeam(int beam) {
        return new HnswIndexSpec(maxDegree, constructionBeam, beam, buildThreads);
    }

    @Override
    public HnswIndex create(KnnDistance distance, int dimension) {
        return new HnswIndex(this, distance, dimension);
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "IndexSpec");
    }

    @Override
    public String toString() {
        return "HnswIndexSpec(maxDegree=" + maxDegree + ", constructionBeam=" + constructionBeam + ", searchBeam="
                + searchBeam + ", buildThreads=" + buildThreads + ")";
    }
}
