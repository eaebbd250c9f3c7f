package org.dml4j.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads the numeric fields of golden case files: floats may be the strings {@code "NaN"}, {@code "Infinity"} and
 * {@code "-Infinity"}; matrices are arrays of rows.
 */
final class GoldenJson {

    private GoldenJson() {
    }

    static double number(JsonNode node, String what) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            throw new CaseFormatException("missing number: " + what);
        }
        if (node.isTextual()) {
            return switch (node.asText()) {
                case "NaN" -> Double.NaN;
                case "Infinity" -> Double.POSITIVE_INFINITY;
                case "-Infinity" -> Double.NEGATIVE_INFINITY;
                default -> throw new CaseFormatException(what + " is not a number: " + node.asText());
            };
        }
        if (!node.isNumber()) {
            throw new CaseFormatException(what + " is not a number: " + node);
        }
        return node.asDouble();
    }

    static int[] ints(JsonNode node, String what) {
        if (node == null || !node.isArray()) {
            throw new CaseFormatException("missing integer array: " + what);
        }
        int[] out = new int[node.size()];
        for (int i = 0; i < out.length; i++) {
            if (!node.get(i).canConvertToInt()) {
                throw new CaseFormatException(what + "[" + i + "] is not an integer: " + node.get(i));
            }
            out[i] = node.get(i).asInt();
        }
        return out;
    }

    static double[] doubles(JsonNode node, String what) {
        if (node == null || !node.isArray()) {
            throw new CaseFormatException("missing number array: " + what);
        }
        double[] out = new double[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = number(node.get(i), what + "[" + i + "]");
        }
        return out;
    }

    static double[][] matrix(JsonNode node, String what) {
        if (node == null || !node.isArray()) {
            throw new CaseFormatException("missing matrix: " + what);
        }
        double[][] out = new double[node.size()][];
        for (int i = 0; i < out.length; i++) {
            JsonNode row = node.get(i);
            if (!row.isArray()) {
                throw new CaseFormatException(what + " row " + i + " is not an array of numbers");
            }
            if (i > 0 && row.size() != out[0].length) {
                throw new CaseFormatException(what + " row " + i + " is not a row of " + out[0].length + " numbers");
            }
            out[i] = new double[row.size()];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = number(row.get(j), what + "[" + i + "][" + j + "]");
            }
        }
        return out;
    }

    /**
     * A matrix with the given shape.
     *
     * @param node the JSON array of rows
     * @param what the field, for messages
     * @param rows the number of rows the inputs give
     * @param cols the number of columns the inputs give
     * @return the matrix
     * @throws CaseFormatException when it is missing or has another shape
     */
    static double[][] matrix(JsonNode node, String what, long rows, long cols) {
        double[][] out = matrix(node, what);
        int got = out.length == 0 ? 0 : out[0].length;
        if (out.length != rows || got != cols) {
            throw new CaseFormatException(what + " is " + out.length + "x" + got + " but the inputs give " + rows
                    + "x" + cols);
        }
        return out;
    }

    /**
     * Embeddings with one row per label.
     *
     * @param node       the JSON array of rows
     * @param what       the field, for messages
     * @param labels     the labels
     * @param labelsWhat the labels' field, for messages
     * @param precision  the data type to compute in
     * @return the embeddings
     * @throws CaseFormatException when they are missing, ragged or not one row per label
     */
    static INDArray embeddings(JsonNode node, String what, int[] labels, String labelsWhat, DataType precision) {
        double[][] rows = matrix(node, what);
        requireCount(labels.length, labelsWhat, rows.length);
        return Nd4j.create(rows).castTo(precision);
    }

    /**
     * Checks that an array has one entry per item of the inputs.
     *
     * @param length the array's length
     * @param what   the field, for messages
     * @param count  the number the inputs give
     * @throws CaseFormatException when they differ
     */
    static void requireCount(int length, String what, int count) {
        if (length != count) {
            throw new CaseFormatException(what + " has " + length + " entries but the inputs give " + count);
        }
    }

    static double[] flatten(double[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        double[] out = new double[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * cols, cols);
        }
        return out;
    }

    static double[][] transpose(double[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        double[][] out = new double[cols][rows.length];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < cols; j++) {
                out[j][i] = rows[i][j];
            }
        }
        return out;
    }
}
