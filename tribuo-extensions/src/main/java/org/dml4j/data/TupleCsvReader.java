package org.dml4j.data;

import org.dml4j.mining.PairTuples;
import org.dml4j.mining.QuadrupletTuples;
import org.dml4j.mining.TripletTuples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads tuple annotations — explicit supervision for Siamese, triplet and quadruplet networks — from a simple CSV of
 * example ids, one tuple per line, fields separated by commas (no quoting; surrounding spaces are ignored):
 * <ul>
 *     <li>pairs: {@code id_a,id_b,similar} with {@code similar} one of {@code 1}/{@code 0}/{@code true}/{@code
 *     false};</li>
 *     <li>triplets: {@code anchor,positive,negative};</li>
 *     <li>quadruplets: {@code anchor,positive,negative,negative2}, where {@code (negative, negative2)} is the second,
 *     dissimilar pair of the quadruplet loss.</li>
 * </ul>
 * Blank lines and lines starting with {@code #} are skipped; the first line is skipped if it is exactly that header
 * (case-insensitive). Ids are mapped to dataset rows by an {@link ExampleIds}. Any bad line stops the read with an
 * {@link IOException} naming the file, line number and problem.
 */
public final class TupleCsvReader {

    private static final String PAIR_HEADER = "id_a,id_b,similar";
    private static final String TRIPLET_HEADER = "anchor,positive,negative";
    private static final String QUADRUPLET_HEADER = "anchor,positive,negative,negative2";

    private TupleCsvReader() {
    }

    /**
     * Reads pairs; similar pairs become positive pairs, the rest negative pairs.
     *
     * @param csv the file
     * @param ids how ids map to rows
     * @return the pairs, as dataset row indices
     * @throws IOException if the file cannot be read or a line is invalid
     */
    public static PairTuples readPairs(Path csv, ExampleIds ids) throws IOException {
        List<int[]> pos = new ArrayList<>();
        List<int[]> neg = new ArrayList<>();
        for (int[] r : read(csv, ids, PAIR_HEADER, 2)) {
            (r[2] == 1 ? pos : neg).add(r);
        }
        return new PairTuples(column(pos, 0), column(pos, 1), column(neg, 0), column(neg, 1));
    }

    /**
     * Reads triplets.
     *
     * @param csv the file
     * @param ids how ids map to rows
     * @return the triplets, as dataset row indices
     * @throws IOException if the file cannot be read or a line is invalid
     */
    public static TripletTuples readTriplets(Path csv, ExampleIds ids) throws IOException {
        List<int[]> all = read(csv, ids, TRIPLET_HEADER, 3);
        return new TripletTuples(column(all, 0), column(all, 1), column(all, 2));
    }

    /**
     * Reads quadruplets.
     *
     * @param csv the file
     * @param ids how ids map to rows
     * @return the quadruplets, as dataset row indices
     * @throws IOException if the file cannot be read or a line is invalid
     */
    public static QuadrupletTuples readQuadruplets(Path csv, ExampleIds ids) throws IOException {
        List<int[]> all = read(csv, ids, QUADRUPLET_HEADER, 4);
        return new QuadrupletTuples(column(all, 0), column(all, 1), column(all, 2), column(all, 3));
    }

    /**
     * Parses the lines: {@code numIds} id fields mapped to rows, then for pairs a flag stored as 1/0 after them.
     */
    private static List<int[]> read(Path csv, ExampleIds ids, String header, int numIds) throws IOException {
        String[] headerFields = header.split(",");
        List<String> lines = Files.readAllLines(csv);
        List<int[]> out = new ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).trim();
            if (line.isEmpty() || line.startsWith("#")
                    || (out.isEmpty() && line.replace(" ", "").toLowerCase(Locale.ROOT).equals(header))) {
                continue;
            }
            String where = csv + " line " + (n + 1) + ": ";
            String[] fields = line.split(",", -1);
            if (fields.length != headerFields.length) {
                throw new IOException(where + "expected " + headerFields.length + " fields (" + header + "), found "
                        + fields.length + " in '" + line + "'");
            }
            int[] row = new int[headerFields.length];
            for (int f = 0; f < numIds; f++) {
                String id = fields[f].trim();
                row[f] = ids.row(id);
                if (row[f] < 0) {
                    throw new IOException(where + headerFields[f] + " '" + id + "' is not a known example id ("
                            + ids.description() + ")");
                }
            }
            if (numIds < headerFields.length) {
                row[numIds] = flag(fields[numIds].trim(), where);
            }
            out.add(row);
        }
        if (out.isEmpty()) {
            throw new IOException(csv + " holds no tuple; expected lines like '" + header + "'");
        }
        return out;
    }

    private static int flag(String value, String where) throws IOException {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "1", "true" -> {
                return 1;
            }
            case "0", "false" -> {
                return 0;
            }
            default -> throw new IOException(where + "similar must be 1, 0, true or false, found '" + value + "'");
        }
    }

    private static int[] column(List<int[]> rows, int c) {
        int[] out = new int[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = rows.get(i)[c];
        }
        return out;
    }
}
