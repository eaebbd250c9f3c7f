package org.dml4j.crossmodal;

/** One of the two modalities of paired data: each has its own feature group and its own tower. */
public enum Modality {

    /** The first modality (features {@code a_0, a_1, ...} by default). */
    A,
    /** The second modality (features {@code b_0, b_1, ...} by default). */
    B;

    /** @return the other modality */
    public Modality other() {
        return this == A ? B : A;
    }

    /** @return the metric-name prefix of retrieval with this modality's queries and the other's gallery */
    public String direction() {
        return this == A ? "a_to_b" : "b_to_a";
    }
}
