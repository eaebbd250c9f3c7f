package org.dml4j.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import org.dml4j.mining.Miner;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks a miner file ({@code dml-golden/miner/v1}): every miner configuration it lists must return exactly PML's
 * tuples (as sets) on the file's embeddings.
 */
final class MinerCaseCheck {

    private MinerCaseCheck() {
    }

    static List<CaseResult> run(JsonNode root, DataType precision) {
        String id = root.path("case_id").asText("?");
        JsonNode inputs = root.path("inputs");
        int[] labels = GoldenJson.ints(inputs.get("labels"), "inputs.labels");
        INDArray embeddings = GoldenJson.embeddings(inputs.get("embeddings"), "inputs.embeddings", labels,
                "inputs.labels", precision);
        if (!root.path("miner_results").isArray() || root.path("miner_results").isEmpty()) {
            throw new CaseFormatException("miner_results must be a non-empty array of miner configurations");
        }
        List<CaseResult> results = new ArrayList<>();
        int index = 0;
        for (JsonNode spec : root.path("miner_results")) {
            String caseId = id + "#" + index++ + ":" + spec.path("pml_class").asText() + spec.path("params")
                    + "/" + spec.path("distance").path("pml_class").asText()
                    + (spec.path("distance").path("normalize_embeddings").asBoolean(true) ? "" : "(raw)");
            try {
                Miner miner = PmlTranslator.miner(spec);
                TupleRows got = TupleRows.of(miner.mine(embeddings, labels));
                String difference = got.differenceFrom(TupleRows.fromRows(spec.path("output")));
                results.add(difference == null ? new CaseResult(caseId, true, 0, "tuples=" + got.count())
                        : CaseResult.failure(caseId, "differs from PML: " + difference));
            } catch (CaseFormatException | IllegalArgumentException e) {
                results.add(CaseResult.malformed(caseId, e.getMessage()));
            }
        }
        return results;
    }
}
