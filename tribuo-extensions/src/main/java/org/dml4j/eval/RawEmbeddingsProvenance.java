package org.dml4j.eval;

import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.IntProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;
import com.oracle.labs.mlrg.olcut.util.Pair;
import org.tribuo.provenance.DataProvenance;

import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * Data provenance for an evaluation run on raw embedding matrices that carry no Tribuo dataset provenance;
 * it records only their shapes and the retrieval mode.
 */
public final class RawEmbeddingsProvenance implements DataProvenance {
    private static final long serialVersionUID = 1L;

    /** Says that no dataset provenance exists. */
    private final StringProvenance description;
    /** The number of query rows. */
    private final IntProvenance numQueries;
    /** The number of reference rows. */
    private final IntProvenance numReferences;
    /** The embedding dimension. */
    private final IntProvenance embeddingDim;
    /** The retrieval mode name. */
    private final StringProvenance mode;

    /**
     * Creates the provenance of a raw-matrix evaluation.
     * @param numQueries The number of query rows.
     * @param numReferences The number of reference rows.
     * @param embeddingDim The embedding dimension.
     * @param mode The retrieval mode.
     */
    public RawEmbeddingsProvenance(int numQueries, int numReferences, int embeddingDim, RetrievalMode mode) {
        this.description = new StringProvenance("description", "raw embedding matrices, no dataset provenance");
        this.numQueries = new IntProvenance("num-queries", numQueries);
        this.numReferences = new IntProvenance("num-references", numReferences);
        this.embeddingDim = new IntProvenance("embedding-dim", embeddingDim);
        this.mode = new StringProvenance("mode", mode.name());
    }

    @Override
    public String getClassName() {
        return RawEmbeddingsProvenance.class.getName();
    }

    @Override
    public Iterator<Pair<String, Provenance>> iterator() {
        List<Pair<String, Provenance>> list = List.of(
                new Pair<>(CLASS_NAME, new StringProvenance(CLASS_NAME, getClassName())),
                new Pair<>(description.getKey(), description),
                new Pair<>(numQueries.getKey(), numQueries),
                new Pair<>(numReferences.getKey(), numReferences),
                new Pair<>(embeddingDim.getKey(), embeddingDim),
                new Pair<>(mode.getKey(), mode));
        return list.iterator();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RawEmbeddingsProvenance)) {
            return false;
        }
        RawEmbeddingsProvenance other = (RawEmbeddingsProvenance) o;
        return numQueries.equals(other.numQueries) && numReferences.equals(other.numReferences)
                && embeddingDim.equals(other.embeddingDim) && mode.equals(other.mode);
    }

    @Override
    public int hashCode() {
        return Objects.hash(numQueries, numReferences, embeddingDim, mode);
    }

    @Override
    public String toString() {
        return generateString("RawEmbeddings");
    }
}
