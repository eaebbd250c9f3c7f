package org.dml4j.loss;

import org.dml4j.distance.EmbeddingGradients;
import org.dml4j.nd.HostArrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The L2 norms of the raw rows of a class-parameter loss's two inputs (the embeddings and the class vectors), for the
 * losses whose logits scale with them besides the matrix of normalized values (L-Softmax, SphereFace), and the
 * backward pass of {@code dL/d||row||} into the rows: {@code dL/dx += dL/d||x|| · x / ||x||} (0 for a zero row, as
 * PyTorch's {@code norm}). Nothing is computed until a norm is asked for.
 */
final class InputNorms {

    private final INDArray embeddings;
    private final INDArray vectors;
    private Side embeddingSide;
    private Side vectorSide;

    /** The norms of one input and the gradient with respect to them. */
    private static final class Side {
        private final double[] values;
        private final int dim;
        private final double[] norms;
        private final double[] gradient;
        private boolean used;

        Side(INDArray x) {
            values = HostArrays.doubles(x);
            dim = x.columns();
            norms = new double[x.rows()];
            gradient = new double[x.rows()];
            for (int i = 0; i < norms.length; i++) {
                double squares = 0;
                for (int k = 0; k < dim; k++) {
                    double v = values[i * dim + k];
                    squares += v * v;
                }
                norms[i] = Math.sqrt(squares);
            }
        }

        INDArray backward(INDArray rowGradient) {
            if (!used) {
                return rowGradient;
            }
            double[] out = HostArrays.doubles(rowGradient);
            for (int i = 0; i < norms.length; i++) {
                if (norms[i] > 0 && gradient[i] != 0) {
                    double scale = gradient[i] / norms[i];
                    for (int k = 0; k < dim; k++) {
                        out[i * dim + k] += scale * values[i * dim + k];
                    }
                }
            }
            return HostArrays.create(out, rowGradient.dataType(), rowGradient.rows(), rowGradient.columns());
        }
    }

    /**
     * @param embeddings the raw B × d embeddings
     * @param vectors    the raw class vectors, one per row
     */
    InputNorms(INDArray embeddings, INDArray vectors) {
        this.embeddings = embeddings;
        this.vectors = vectors;
    }

    private Side embeddingSide() {
        if (embeddingSide == null) {
            embeddingSide = new Side(embeddings);
        }
        return embeddingSide;
    }

    private Side vectorSide() {
        if (vectorSide == null) {
            vectorSide = new Side(vectors);
        }
        return vectorSide;
    }

    /** @return ||x_i|| of the raw embedding i */
    double embedding(int i) {
        return embeddingSide().norms[i];
    }

    /** @return ||w_c|| of the raw class vector (row) c */
    double vector(int c) {
        return vectorSide().norms[c];
    }

    /** Adds {@code g} to dL/d||x_i||. */
    void addEmbeddingGradient(int i, double g) {
        Side side = embeddingSide();
        side.used = true;
        side.gradient[i] += g;
    }

    /** Adds {@code g} to dL/d||w_c||. */
    void addVectorGradient(int c, double g) {
        Side side = vectorSide();
        side.used = true;
        side.gradient[c] += g;
    }

    /**
     * Adds the gradients through the norms to the gradients through the matrix.
     *
     * @param throughMatrix dL/d(embeddings) and dL/d(class vectors) from the matrix's backward pass
     * @return the total gradients
     */
    EmbeddingGradients backward(EmbeddingGradients throughMatrix) {
        INDArray queries = embeddingSide == null ? throughMatrix.queries()
                : embeddingSide.backward(throughMatrix.queries());
        INDArray references = vectorSide == null ? throughMatrix.references()
                : vectorSide.backward(throughMatrix.references());
        return new EmbeddingGradients(queries, references);
    }
}
