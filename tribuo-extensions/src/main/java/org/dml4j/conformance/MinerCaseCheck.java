package org.dml4j.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.Miner;
import org.dml4j.mining.PairTuples;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
                IndexTuples tuples = miner.mine(embeddings, labels);
                if (spec.path("output").path("type").asText().equals("sampled_pairs")) {
                    String difference = sampledDifference((PairTuples) tuples, spec.path("output"));
                    results.add(difference == null ? new CaseResult(caseId, true, 0, "sampled pairs=" + tuples.size()
                            + ", every draw from PML's bin") : CaseResult.failure(caseId, difference));
                    continue;
                }
                TupleRows got = TupleRows.of(tuples);
                TupleRows expected = TupleRows.fromRows(spec.path("output"));
                String difference = got.count() == expected.count() && got.second().size() == expected.second().size()
                        ? got.withoutTies(spec.path("output")).differenceFrom(expected.withoutTies(spec.path("output")))
                        : got.differenceFrom(expected);
                results.add(difference == null ? new CaseResult(caseId, true, 0, "tuples=" + got.count())
                        : CaseResult.failure(caseId, "differs from PML: " + difference));
            } catch (CaseFormatException | IllegalArgumentException e) {
                results.add(CaseResult.malformed(caseId, e.getMessage()));
            }
        }
        return results;
    }

    /**
     * Checks pairs drawn at random per bin ({@code UniformHistogramMiner}, whose draws come from PyTorch's generator)
     * against the bins PML formed: {@code output.pos_bins}/{@code neg_bins} list, per non-empty bin in order, the
     * pairs it holds, and {@code pos_per_bin}/{@code neg_per_bin} the draws per bin; the mined pairs must be those
     * draws, bin after bin, each from its bin.
     */
    private static String sampledDifference(PairTuples got, JsonNode output) {
        String pos = binDifference("positive", got.posAnchors(), got.positives(), output.path("pos_bins"),
                output.path("pos_per_bin").asInt());
        return pos != null ? pos : binDifference("negative", got.negAnchors(), got.negatives(),
                output.path("neg_bins"), output.path("neg_per_bin").asInt());
    }

    private static String binDifference(String side, int[] anchors, int[] others, JsonNode bins, int perBin) {
        if (!bins.isArray() || perBin < 1) {
            throw new CaseFormatException("sampled_pairs output needs " + side + " bins and draws per bin");
        }
        if (anchors.length != bins.size() * perBin) {
            return side + " pairs: " + anchors.length + " drawn, PML draws " + perBin + " from each of "
                    + bins.size() + " non-empty bins";
        }
        for (int b = 0; b < bins.size(); b++) {
            Set<List<Integer>> members = new HashSet<>();
            for (JsonNode pair : bins.get(b)) {
                int[] ap = GoldenJson.ints(pair, side + " bin pair");
                members.add(List.of(ap[0], ap[1]));
            }
            for (int k = b * perBin; k < (b + 1) * perBin; k++) {
                if (!members.contains(List.of(anchors[k], others[k]))) {
                    return side + " draw " + k + " (" + anchors[k] + ", " + others[k] + ") is not in PML's bin " + b;
                }
            }
        }
        return null;
    }
}
