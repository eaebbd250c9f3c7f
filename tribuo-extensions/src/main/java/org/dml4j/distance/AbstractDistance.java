package org.dml4j.distance;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.dml4j.nd.HostArrays;
import org.dml4j.nd.MatrixProducts;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The shared forward and backward structure of the distances: optional L2 normalization, a matrix computed from
 * the (normalized) rows, and a backward pass that goes through the normalization again.
 * <p>
 * The pairwise work runs in float64 whatever the embeddings' type, and the gradients come back in that type: it is
 * O(B²d) against the network's O(B·d·width), so it costs little, and it keeps the kinks of the losses (zero distances,
 * a cosine of exactly 1 between duplicates, relu at 0) and very large embeddings exact in float32 training too.
 * The O(B²d) products run in BLAS; everything else (normalization, row sums, the element-wise parts of the
 * gradients) in Java loops over row-major arrays, which for a batch cost less than the fixed cost of an ND4J op.
 */
abstract class AbstractDistance implements Distance {

    /** The tile edge of {@link #symmetrize}: 16 × 16 float64 values are 2 KB. */
    private static final int SYMMETRIC_TILE = 16;

    @Config(description = "Whether embeddings are L2-normalized before the matrix is computed.")
    protected boolean normalizeEmbeddings = true;

    /**
     * Two inputs after the optional normalization, as row-major float64 Java arrays and as ND4J matrices for the
     * products.
     *
     * @param queries        the query rows, {@code rows × dim}
     * @param references     the reference rows, {@code cols × dim} (the same array for a self matrix)
     * @param queryArray     {@code queries} as an ND4J matrix
     * @param referenceArray {@code references} as an ND4J matrix
     * @param rows           the number of queries
     * @param cols           the number of references
     * @param dim            the embedding dimension
     * @param self           whether queries and references are the same rows
     */
    protected record Inputs(double[] queries, double[] references, INDArray queryArray, INDArray referenceArray,
                            int rows, int cols, int dim, boolean self) {

        /** @return the {@code rows × cols} inner products {@code u_i · v_j}, row-major */
        double[] dots() {
            return HostArrays.doubles(MatrixProducts.product(queryArray, referenceArray, false, true));
        }

        /**
         * @param weights a row-major {@code rows × cols} matrix W
         * @return {@code W v}, row-major {@code rows × dim}
         */
        double[] timesReferences(double[] weights) {
            return HostArrays.doubles(MatrixProducts.product(HostArrays.float64(weights, rows, cols), referenceArray, false, false));
        }

        /**
         * @param weights a row-major {@code rows × cols} matrix W
         * @return {@code Wᵀ u}, row-major {@code cols × dim}
         */
        double[] transposeTimesQueries(double[] weights) {
            return HostArrays.doubles(MatrixProducts.product(HostArrays.float64(weights, rows, cols), queryArray, true, false));
        }
    }

    @Override
    public boolean normalizesEmbeddings() {
        return normalizeEmbeddings;
    }

    @Override
    public PairwiseMatrix pairwise(INDArray embeddings) {
        return compute(embeddings, embeddings, true);
    }

    @Override
    public PairwiseMatrix pairwise(INDArray queries, INDArray references) {
        return compute(queries, references, false);
    }

    private PairwiseMatrix compute(INDArray rawQueries, INDArray rawReferences, boolean self) {
        checkShapes(rawQueries, rawReferences);
        int rows = rawQueries.rows();
        int cols = rawReferences.rows();
        int dim = rawQueries.columns();
        double[] queries = HostArrays.doubles(rawQueries);
        double[] references = self ? queries : HostArrays.doubles(rawReferences);
        L2Normalization queryNorm = normalizeEmbeddings ? L2Normalization.of(queries, rows, dim) : null;
        L2Normalization refNorm = self ? queryNorm
                : (normalizeEmbeddings ? L2Normalization.of(references, cols, dim) : null);
        double[] u = queryNorm == null ? queries : queryNorm.normalized();
        double[] v = refNorm == null ? references : refNorm.normalized();
        INDArray uArray = HostArrays.float64(u, rows, dim);
        INDArray vArray = self ? uArray : HostArrays.float64(v, cols, dim);
        Inputs inputs = new Inputs(u, v, uArray, vArray, rows, cols, dim, self);
        double[] values = matrix(inputs);
        return new PairwiseMatrix(values, rows, cols, dim, isInverted(), self, (gradient, withReferences) -> {
            double[][] grads = gradient(inputs, values, gradient, withReferences);
            double[] dQueries = queryNorm == null ? grads[0] : queryNorm.backward(grads[0]);
            INDArray queryGradient = HostArrays.create(dQueries, rawQueries.dataType(), rows, dim);
            if (self) {
                return new EmbeddingGradients(queryGradient, queryGradient);
            }
            if (!withReferences) {
                return new EmbeddingGradients(queryGradient, null);
            }
            double[] dRefs = refNorm == null ? grads[1] : refNorm.backward(grads[1]);
            return new EmbeddingGradients(queryGradient, HostArrays.create(dRefs, rawReferences.dataType(), cols, dim));
        });
    }

    private static void checkShapes(INDArray queries, INDArray references) {
        if (queries.rank() != 2 || references.rank() != 2) {
            throw new IllegalArgumentException("embeddings must be matrices (one row per example), found ranks "
                    + queries.rank() + " and " + references.rank());
        }
        if (queries.columns() != references.columns()) {
            throw new IllegalArgumentException("queries have " + queries.columns()
                    + " dimensions but references have " + references.columns());
        }
    }

    /**
     * Computes the row-major matrix between the (normalized) inputs.
     *
     * @param inputs the inputs
     * @return the values
     */
    protected abstract double[] matrix(Inputs inputs);

    /**
     * The gradients with respect to the (normalized) inputs, given dL/dM. For a self matrix, element 0 must hold
     * the total gradient of the single input.
     *
     * @param inputs     the inputs
     * @param values     the values {@link #matrix} returned
     * @param gradient   dL/dM, row-major (queries × references); read only
     * @param references whether dL/dreferences is needed (false: element 1 may be null); ignored for a self matrix
     * @return {dL/dqueries, dL/dreferences}, row-major
     */
    protected abstract double[][] gradient(Inputs inputs, double[] values, double[] gradient, boolean references);

    /**
     * Replaces a square row-major matrix {@code W} by its symmetric part {@code W + Wᵀ}, in place: for a self matrix,
     * the gradient of {@code f(u_i, u_j)} reaches row {@code i} both as a query and as a reference. It walks the
     * upper triangle in {@value #SYMMETRIC_TILE} × {@value #SYMMETRIC_TILE} tiles, so that the column it reads stays
     * in the L1 cache (half the time of a row-by-row pass over 256 × 256).
     *
     * @param weights a row-major {@code n × n} matrix, overwritten
     * @param n       its size
     * @return {@code weights}, now {@code W + Wᵀ}
     */
    protected static double[] symmetrize(double[] weights, int n) {
        for (int tileRow = 0; tileRow < n; tileRow += SYMMETRIC_TILE) {
            int rowEnd = Math.min(tileRow + SYMMETRIC_TILE, n);
            for (int tileCol = tileRow; tileCol < n; tileCol += SYMMETRIC_TILE) {
                int colEnd = Math.min(tileCol + SYMMETRIC_TILE, n);
                for (int i = tileRow; i < rowEnd; i++) {
                    for (int j = Math.max(tileCol, i); j < colEnd; j++) {
                        double sum = weights[i * n + j] + weights[j * n + i];
                        weights[i * n + j] = sum;
                        weights[j * n + i] = sum;
                    }
                }
            }
        }
        return weights;
    }

    /**
     * Two distances are equal when they compute the same matrix: the same class and configuration.
     *
     * @param o another object
     * @return whether it is the same distance
     */
    @Override
    public boolean equals(Object o) {
        if (o == null || o.getClass() != getClass()) {
            return false;
        }
        AbstractDistance other = (AbstractDistance) o;
        return other.normalizeEmbeddings == normalizeEmbeddings && sameSettings(other);
    }

    /**
     * Whether a distance of the same class has the same settings besides {@code normalizeEmbeddings}.
     *
     * @param other a distance of this class
     * @return true if its other settings equal this one's (true when there are none)
     */
    protected boolean sameSettings(AbstractDistance other) {
        return true;
    }

    @Override
    public int hashCode() {
        return 31 * getClass().hashCode() + Boolean.hashCode(normalizeEmbeddings);
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "Distance");
    }
}
