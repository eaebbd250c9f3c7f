package org.dml4j.index;

import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;

/**
 * How to build a {@link NearestNeighbourIndex}: the kind of index and its parameters, configurable with OLCUT
 * and recorded in provenance.
 */
public interface IndexSpec extends Configurable, Provenancable<ConfiguredObjectProvenance> {

    /**
     * Creates an empty index.
     * @param distance The dissimilarity to rank by.
     * @param dimension The width of the rows, at least 1.
     * @return An index with no references; {@link NearestNeighbourIndex#add} fills it.
     */
    NearestNeighbourIndex create(KnnDistance distance, int dimension);
}
