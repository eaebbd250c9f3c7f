package org.dml4j.distance;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.dml4j.nd.HostArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The shared forward and backward structure of the distances: optional L2 normalization, a matrix computed from
 * the (normalized) rows, and a backward pass that goes through the normalization again.
 * <p>
 * The pairwise work runs in float64 whatever the embeddings' type, and the gradients come back in that type: it is
 * O(B²d) against the network's O(B·d·width), so it costs little, and it keeps the kinks of the losses (zero distances,
 * a cosine of exactly 1 between duplicates, relu at 0) and very large embeddings exact in float32 training too.
 */
abstract class AbstractDistance implements Distance {

    @Config(description = "Whether embeddings are L2-normalized before the matrix is computed.")
    protected boolean normalizeEmbeddings = true;

    /** Two inputs after the optional normalization. */
    protected record Inputs(INDArray queries, INDArray references, boolean self) {
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
        INDArray queries = rawQueries.castTo(DataType.DOUBLE);
        INDArray references = self ? queries : rawReferences.castTo(DataType.DOUBLE);
        L2Normalization queryNorm = normalizeEmbeddings ? L2Normalization.of(queries) : null;
        L2Normalization refNorm = self ? queryNorm : (normalizeEmbeddings ? L2Normalization.of(references) : null);
        INDArray u = queryNorm == null ? queries : queryNorm.normalized();
        INDArray v = refNorm == null ? references : refNorm.normalized();
        Inputs inputs = new Inputs(u, v, self);
        double[] values = matrix(inputs);
        return new PairwiseMatrix(values, (int) u.rows(), (int) v.rows(), isInverted(), self, gradient -> {
            INDArray[] grads = gradient(inputs, values, gradient);
            INDArray dQueries = (queryNorm == null ? grads[0] : queryNorm.backward(grads[0]))
                    .castTo(rawQueries.dataType());
            if (self) {
                return new EmbeddingGradients(dQueries, dQueries);
            }
            INDArray dRefs = (refNorm == null ? grads[1] : refNorm.backward(grads[1]))
                    .castTo(rawReferences.dataType());
            return new EmbeddingGradients(dQueries, dRefs);
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
     * @param inputs   the inputs
     * @param values   the values {@link #matrix} returned
     * @param gradient dL/dM, row-major (queries × references); read only
     * @return {dL/dqueries, dL/dreferences}
     */
    protected abstract INDArray[] gradient(Inputs inputs, double[] values, double[] gradient);

    /**
     * @param inputs the inputs
     * @param values row-major values (queries × references), e.g. dL/dM
     * @return them as a float64 matrix
     */
    protected static INDArray matrixOf(Inputs inputs, double[] values) {
        return HostArrays.float64(values, inputs.queries().rows(), inputs.references().rows());
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "Distance");
    }
}
