package org.dml4j.crossmodal;

import org.dml4j.eval.RetrievalEvaluation;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Cross-modal retrieval in both directions: the first modality's rows query the second's ({@link Modality#A}'s
 * {@link Modality#direction() a_to_b}) and the second's query the first's ({@code b_to_a}).
 *
 * @param aToB queries of modality A, gallery of modality B
 * @param bToA queries of modality B, gallery of modality A
 */
public record CrossModalEvaluation(RetrievalEvaluation aToB, RetrievalEvaluation bToA) {

    /**
     * @param queries the query modality
     * @return the evaluation with that modality's queries
     */
    public RetrievalEvaluation direction(Modality queries) {
        return queries == Modality.A ? aToB : bToA;
    }

    /**
     * Both directions' summaries, each metric prefixed by its direction, e.g. {@code a_to_b/map_at_r} and
     * {@code b_to_a/recall_at_1} (MLflow-safe keys; the UI groups them by direction).
     *
     * @return the metrics by name, A→B first
     */
    public Map<String, Double> summary() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Modality queries : Modality.values()) {
            direction(queries).summary().forEach((name, value) -> out.put(queries.direction() + "/" + name, value));
        }
        return out;
    }
}
