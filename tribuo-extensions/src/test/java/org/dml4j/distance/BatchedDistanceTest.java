package org.dml4j.distance;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.testutil.FiniteDifferences;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Blocks of BatchedDistance hold exactly the rows of the whole matrix, and their gradients those rows'. */
class BatchedDistanceTest {

    @Test
    void blocksEqualTheWholeMatrix() {
        int[] queryLabels = new int[37];
        int[] refLabels = new int[101];
        INDArray queries = FiniteDifferences.clustered(queryLabels, 8, 1);
        INDArray references = FiniteDifferences.clustered(refLabels, 8, 2);
        for (Distance distance : new Distance[]{new LpDistance(), new LpDistance(false, 2), new CosineSimilarity()}) {
            PairwiseMatrix whole = distance.pairwise(queries, references);
            double[] gradient = new double[37 * 101];
            for (int k = 0; k < gradient.length; k++) {
                gradient[k] = Math.sin(k);
            }
            INDArray wholeGradient = whole.backwardQueries(gradient);
            List<Integer> starts = new ArrayList<>();
            new BatchedDistance(distance, 10).forEachBlock(queries, references, (block, start, end) -> {
                starts.add(start);
                assertEquals(end - start, block.rows());
                assertEquals(101, block.cols());
                double[] blockGradient = new double[(end - start) * 101];
                for (int i = start; i < end; i++) {
                    for (int j = 0; j < 101; j++) {
                        assertEquals(whole.get(i, j), block.get(i - start, j), 1e-15, distance + " " + i + "," + j);
                        blockGradient[(i - start) * 101 + j] = gradient[i * 101 + j];
                    }
                }
                INDArray rows = block.backwardQueries(blockGradient);
                for (int i = start; i < end; i++) {
                    assertEquals(0, rows.getRow(i - start).sub(wholeGradient.getRow(i)).norm2Number().doubleValue(),
                            1e-13);
                }
            });
            assertEquals(List.of(0, 10, 20, 30), starts);
        }
    }

    @Test
    void selfBlocksCompareWithEveryRow() {
        INDArray x = FiniteDifferences.clustered(new int[9], 4, 3);
        PairwiseMatrix whole = new LpDistance().pairwise(x, x);
        new BatchedDistance(new LpDistance(), 4).forEachBlock(x, (block, start, end) -> {
            for (int i = start; i < end; i++) {
                assertEquals(0, block.get(i - start, i), 1e-15);
                assertEquals(whole.get(i, 8), block.get(i - start, 8), 1e-15);
            }
        });
        assertThrows(PropertyException.class, () -> new BatchedDistance(new LpDistance(), 0));
    }
}
