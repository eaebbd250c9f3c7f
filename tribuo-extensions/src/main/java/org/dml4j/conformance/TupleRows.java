package org.dml4j.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.PairTuples;
import org.dml4j.mining.TripletTuples;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Mined tuples as sorted lists of index rows, so a miner's output can be compared with a reference regardless of
 * order (miners return sets). Pairs become two lists, positive and negative.
 */
record TupleRows(List<int[]> first, List<int[]> second) {

    static TupleRows of(IndexTuples tuples) {
        if (tuples instanceof TripletTuples t) {
            return new TupleRows(sorted(t.anchors(), t.positives(), t.negatives()), List.of());
        }
        if (tuples instanceof PairTuples p) {
            return new TupleRows(sorted(p.posAnchors(), p.positives()), sorted(p.negAnchors(), p.negatives()));
        }
        throw new CaseFormatException("cannot compare " + tuples + " with a reference");
    }

    /** From a loss case's {@code mined_indices} (columns). */
    static TupleRows fromColumns(JsonNode mined) {
        String type = mined.path("type").asText();
        if (type.equals("triplets")) {
            return new TupleRows(sorted(GoldenJson.ints(mined.get("anchor"), "mined_indices.anchor"),
                    GoldenJson.ints(mined.get("positive"), "mined_indices.positive"),
                    GoldenJson.ints(mined.get("negative"), "mined_indices.negative")), List.of());
        }
        if (type.equals("pairs")) {
            return new TupleRows(sorted(GoldenJson.ints(mined.get("pos_anchor"), "mined_indices.pos_anchor"),
                    GoldenJson.ints(mined.get("positive"), "mined_indices.positive")),
                    sorted(GoldenJson.ints(mined.get("neg_anchor"), "mined_indices.neg_anchor"),
                            GoldenJson.ints(mined.get("negative"), "mined_indices.negative")));
        }
        throw new CaseFormatException("unknown mined_indices type: " + type);
    }

    /** From a miner file's {@code output} (rows). */
    static TupleRows fromRows(JsonNode output) {
        String type = output.path("type").asText();
        if (type.equals("triplets")) {
            return new TupleRows(rows(output.get("triplets")), List.of());
        }
        if (type.equals("pairs")) {
            return new TupleRows(rows(output.get("pos_pairs")), rows(output.get("neg_pairs")));
        }
        throw new CaseFormatException("unknown miner output type: " + type);
    }

    /**
     * These tuples without the pairs a reference marks as interchangeable ({@code output.tied_pos_pairs},
     * {@code tied_neg_pairs}: pairs whose value ties a selection's cut-off, of which the reference kept an arbitrary
     * few); the number of pairs kept must still agree, which {@link #differenceFrom} checks on the full rows first.
     *
     * @param output the reference output
     * @return the rows without the tied pairs
     */
    TupleRows withoutTies(JsonNode output) {
        return new TupleRows(without(first, output.path("tied_pos_pairs")),
                without(second, output.path("tied_neg_pairs")));
    }

    private static List<int[]> without(List<int[]> rows, JsonNode tied) {
        if (!tied.isArray()) {
            return rows;
        }
        List<int[]> ties = rows(tied);
        return rows.stream().filter(r -> ties.stream().noneMatch(t -> Arrays.equals(t, r))).toList();
    }

    private static List<int[]> rows(JsonNode node) {
        if (node == null || !node.isArray()) {
            throw new CaseFormatException("missing array of tuples in the miner output");
        }
        List<int[]> out = new ArrayList<>();
        for (JsonNode row : node) {
            out.add(GoldenJson.ints(row, "tuple"));
        }
        out.sort(Arrays::compare);
        return out;
    }

    private static List<int[]> sorted(int[]... columns) {
        List<int[]> out = new ArrayList<>();
        for (int k = 0; k < columns[0].length; k++) {
            int[] row = new int[columns.length];
            for (int c = 0; c < columns.length; c++) {
                row[c] = columns[c][k];
            }
            out.add(row);
        }
        out.sort(Arrays::compare);
        return out;
    }

    /**
     * How this differs from a reference, or null if equal.
     *
     * @param expected the reference
     * @return a short description of the first difference, or null
     */
    String differenceFrom(TupleRows expected) {
        String a = difference("tuples", first, expected.first);
        return a != null ? a : difference("negative pairs", second, expected.second);
    }

    private static String difference(String what, List<int[]> got, List<int[]> expected) {
        if (got.size() != expected.size()) {
            return what + ": " + got.size() + " mined, reference has " + expected.size();
        }
        for (int i = 0; i < got.size(); i++) {
            if (!Arrays.equals(got.get(i), expected.get(i))) {
                return what + ": " + Arrays.toString(got.get(i)) + " where the reference has "
                        + Arrays.toString(expected.get(i));
            }
        }
        return null;
    }

    int count() {
        return first.size() + second.size();
    }
}
