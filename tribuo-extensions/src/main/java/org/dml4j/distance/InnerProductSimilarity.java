package org.dml4j.distance;

/**
 * The inner product {@code <u_i, v_j>} of the (optionally normalized) rows, computed with one matrix product; its
 * gradients are {@code dU = G v} and {@code dV = Gᵀ u}, and for a self matrix ({@code v = u}) their sum
 * {@code (G + Gᵀ) u}, one product instead of two.
 */
abstract class InnerProductSimilarity extends AbstractDistance {

    @Override
    public boolean isInverted() {
        return true;
    }

    @Override
    protected double[] matrix(Inputs in) {
        return in.dots();
    }

    @Override
    protected double[][] gradient(Inputs in, double[] values, double[] gradient, boolean references) {
        if (in.self()) {
            return new double[][]{in.timesReferences(symmetrize(gradient.clone(), in.rows())), null};
        }
        return new double[][]{in.timesReferences(gradient), references ? in.transposeTimesQueries(gradient) : null};
    }
}
