package org.dml4j.index;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The exact index: every search ranks all the references with {@link ExactKnn}, so its results are the ground
 * truth an approximate index is measured against. References are kept as one float32 matrix.
 */
public final class ExactIndex implements NearestNeighbourIndex {
    private final ExactIndexSpec spec;
    private final ExactKnn knn;
    private final int dimension;
    private INDArray references;

    /**
     * Creates an empty index ({@link ExactIndexSpec#create} does).
     * @param spec The block sizes.
     * @param distance The dissimilarity to rank by.
     * @param dimension The width of the rows, at least 1.
     */
    ExactIndex(ExactIndexSpec spec, KnnDistance distance, int dimension) {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be at least 1, found " + dimension);
        }
        this.spec = spec;
        this.knn = new ExactKnn(distance, spec.queryBlockSize(), spec.referenceBlockSize());
        this.dimension = dimension;
        this.references = Nd4j.create(DataType.FLOAT, 0, dimension);
    }

    @Override
    public KnnDistance distance() {
        return knn.distance();
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public int size() {
        return references.rows();
    }

    /**
     * The references (the live matrix; do not modify it).
     * @return The references, size &times; dimension float32.
     */
    public INDArray references() {
        return references;
    }

    @Override
    public synchronized void add(INDArray rows) {
        IndexRows.read("reference", rows, dimension, null);
        INDArray added = rows.castTo(DataType.FLOAT);
        references = references.rows() == 0 ? added.dup('c') : Nd4j.concat(0, references, added);
    }

    @Override
    public KnnResult search(INDArray queries, int k) {
        IndexRows.checkK(k);
        IndexRows.read("query", queries, dimension, null);
        if (references.rows() == 0) {
            throw new IllegalStateException("the index is empty; add references before searching");
        }
        return knn.search(queries, references, k, false);
    }

    @Override
    public ExactIndexSpec spec() {
        return spec;
    }

    @Override
    public String toString() {
        return "ExactIndex(distance=" + distance() + ", dimension=" + dimension + ", size=" + size() + ")";
    }
}
