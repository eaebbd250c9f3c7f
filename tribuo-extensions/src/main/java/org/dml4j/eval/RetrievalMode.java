package org.dml4j.eval;

/**
 * How the query set relates to the reference set in a retrieval evaluation.
 */
public enum RetrievalMode {
    /** Queries and references are separate sets; every reference is a candidate for every query. */
    SEPARATE,
    /** The queries are the references; query i leaves out reference i (leave-one-out by index). */
    SELF,
    /**
     * The queries are the first Q reference rows ({@code ref_includes_query}); query i leaves out reference
     * row i, other identical rows stay candidates.
     */
    QUERY_PREFIX_OF_REFERENCE;

    /**
     * Whether query i must skip the reference with index i.
     * @return True for {@link #SELF} and {@link #QUERY_PREFIX_OF_REFERENCE}.
     */
    public boolean excludesSameIndex() {
        return this != SEPARATE;
    }
}
