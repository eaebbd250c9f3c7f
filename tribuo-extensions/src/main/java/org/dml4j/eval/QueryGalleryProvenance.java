package org.dml4j.eval;

import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;
import com.oracle.labs.mlrg.olcut.util.Pair;
import org.tribuo.provenance.DataProvenance;

import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * Data provenance of a query/gallery evaluation ({@link RetrievalEvaluator#evaluate(org.tribuo.Model,
 * org.tribuo.Dataset, org.tribuo.Dataset)}): the provenance of the query dataset and of the gallery dataset.
 */
public final class QueryGalleryProvenance implements DataProvenance {
    private static final long serialVersionUID = 1L;

    private final DataProvenance queries;
    private final DataProvenance gallery;

    /**
     * Creates the provenance of a query/gallery evaluation.
     * @param queries The query dataset's provenance.
     * @param gallery The gallery dataset's provenance.
     */
    public QueryGalleryProvenance(DataProvenance queries, DataProvenance gallery) {
        this.queries = Objects.requireNonNull(queries, "queries");
        this.gallery = Objects.requireNonNull(gallery, "gallery");
    }

    /** @return the query dataset's provenance */
    public DataProvenance queries() {
        return queries;
    }

    /** @return the gallery dataset's provenance */
    public DataProvenance gallery() {
        return gallery;
    }

    @Override
    public String getClassName() {
        return QueryGalleryProvenance.class.getName();
    }

    @Override
    public Iterator<Pair<String, Provenance>> iterator() {
        return List.<Pair<String, Provenance>>of(
                new Pair<>(CLASS_NAME, new StringProvenance(CLASS_NAME, getClassName())),
                new Pair<>("queries", queries),
                new Pair<>("gallery", gallery)).iterator();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QueryGalleryProvenance other && queries.equals(other.queries)
                && gallery.equals(other.gallery);
    }

    @Override
    public int hashCode() {
        return Objects.hash(queries, gallery);
    }

    @Override
    public String toString() {
        return generateString("QueryGallery");
    }
}
