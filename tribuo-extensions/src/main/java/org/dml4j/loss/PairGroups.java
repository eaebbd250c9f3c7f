package org.dml4j.loss;

import java.util.Arrays;

/** Groups pairs by their anchor row, as index lists or from B × B masks. */
final class PairGroups {

    private PairGroups() {
    }

    /**
     * For each anchor row, the positions k with {@code anchors[k] == row}, ascending.
     *
     * @param anchors the anchor of each pair
     * @param rows    the number of rows
     * @return the positions per row
     */
    static int[][] byAnchor(int[] anchors, int rows) {
        int[] counts = new int[rows];
        for (int a : anchors) {
            counts[a]++;
        }
        int[][] groups = new int[rows][];
        for (int r = 0; r < rows; r++) {
            groups[r] = new int[counts[r]];
            counts[r] = 0;
        }
        for (int k = 0; k < anchors.length; k++) {
            groups[anchors[k]][counts[anchors[k]]++] = k;
        }
        return groups;
    }

    static int[] concat(int[] first, int[] second) {
        int[] out = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, out, first.length, second.length);
        return out;
    }

    /**
     * The columns where a row of a B × B mask is set, ascending.
     *
     * @param mask the row-major mask
     * @param row  the row
     * @param size B
     * @return the columns
     */
    static int[] columns(boolean[] mask, int row, int size) {
        int count = 0;
        for (int j = 0; j < size; j++) {
            if (mask[row * size + j]) {
                count++;
            }
        }
        int[] cols = new int[count];
        count = 0;
        for (int j = 0; j < size; j++) {
            if (mask[row * size + j]) {
                cols[count++] = j;
            }
        }
        return cols;
    }
}
