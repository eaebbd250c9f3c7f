package org.dml4j.mining;

import java.util.List;

/**
 * Joins the tuples mined from consecutive row blocks of a matrix into the tuples of the whole matrix: each block's
 * anchors are shifted by the block's first row, and the blocks are concatenated in row order (positive pairs of all
 * blocks, then negative pairs of all blocks).
 */
final class TupleBlocks {

    private TupleBlocks() {
    }

    /**
     * @param blocks    the tuples of each block, anchors relative to the block, all pairs or all triplets
     * @param firstRows the first matrix row of each block
     * @return the tuples of the whole matrix
     */
    static IndexTuples concatenate(List<IndexTuples> blocks, List<Integer> firstRows) {
        if (blocks.stream().allMatch(b -> b instanceof PairTuples)) {
            IntList[] columns = columns(4);
            for (int b = 0; b < blocks.size(); b++) {
                PairTuples pairs = (PairTuples) blocks.get(b);
                append(columns[0], pairs.posAnchors(), firstRows.get(b));
                append(columns[1], pairs.positives(), 0);
            }
            for (int b = 0; b < blocks.size(); b++) {
                PairTuples pairs = (PairTuples) blocks.get(b);
                append(columns[2], pairs.negAnchors(), firstRows.get(b));
                append(columns[3], pairs.negatives(), 0);
            }
            return new PairTuples(columns[0].toArray(), columns[1].toArray(), columns[2].toArray(),
                    columns[3].toArray());
        }
        if (blocks.stream().allMatch(b -> b instanceof TripletTuples)) {
            IntList[] columns = columns(3);
            for (int b = 0; b < blocks.size(); b++) {
                TripletTuples triplets = (TripletTuples) blocks.get(b);
                append(columns[0], triplets.anchors(), firstRows.get(b));
                append(columns[1], triplets.positives(), 0);
                append(columns[2], triplets.negatives(), 0);
            }
            return new TripletTuples(columns[0].toArray(), columns[1].toArray(), columns[2].toArray());
        }
        throw new IllegalArgumentException("blocks of pairs or of triplets can be joined, found " + blocks);
    }

    private static IntList[] columns(int count) {
        IntList[] columns = new IntList[count];
        for (int c = 0; c < count; c++) {
            columns[c] = new IntList();
        }
        return columns;
    }

    private static void append(IntList column, int[] values, int offset) {
        for (int v : values) {
            column.add(v + offset);
        }
    }
}
