package org.dml4j.experiments.bench.jmh;

import org.dml4j.index.ExactKnn;
import org.dml4j.index.KnnDistance;
import org.dml4j.index.KnnResult;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

import java.util.Arrays;

/**
 * Exact top-16 search ({@link ExactKnn#search}, squared Euclidean, default tiles) of 256 queries (a batch) in a gallery of
 * 10,000 × 128 float32 N(0, 1) rows: the tile products plus the bounded heap of each query. Baselines: the plain
 * ND4J product {@code queries·galleryᵀ} alone (the floor), and that product followed by a full sort of each row's
 * 10,000 values (what a selection by sorting would cost, without even carrying the indices).
 */
public class TopKBench extends JmhDefaults {

    private static final int GALLERY = 10_000;
    private static final int QUERIES = 256;
    private static final int K = 16;

    private INDArray gallery;
    private INDArray queries;
    private final ExactKnn knn = new ExactKnn(KnnDistance.SQUARED_EUCLIDEAN);

    /** Draws the gallery and the queries. */
    @Setup
    public void setUp() {
        gallery = BenchData.gaussian(GALLERY, BenchData.DIM, 8);
        queries = BenchData.gaussian(QUERIES, BenchData.DIM, 9);
    }

    /** @return the 16 nearest gallery rows of every query */
    @Benchmark
    public KnnResult exactKnnSearch() {
        return knn.search(queries, gallery, K, false);
    }

    /** @return baseline: the product {@code queries·galleryᵀ} */
    @Benchmark
    public INDArray baselineMmul() {
        return queries.mmul(gallery.transpose());
    }

    /** @return baseline: the product, then each row sorted in full; the sum of the rows' k-th smallest values */
    @Benchmark
    public double baselineMmulSortRows() {
        float[] products = queries.mmul(gallery.transpose()).dup('c').data().asFloat();
        float[] row = new float[GALLERY];
        double kth = 0;
        for (int i = 0; i < QUERIES; i++) {
            System.arraycopy(products, i * GALLERY, row, 0, GALLERY);
            Arrays.sort(row);
            kth += row[K - 1];
        }
        return kth;
    }
}
