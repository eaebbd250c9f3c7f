package org.dml4j.distance;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The inner product {@code <u_i, v_j>} of the (optionally normalized) rows, computed with one matrix product; its
 * gradients are {@code dU = G v} and {@code dV = Gᵀ u}.
 */
abstract class InnerProductSimilarity extends AbstractDistance {

    @Override
    public boolean isInverted() {
        return true;
    }

    @Override
    protected double[] matrix(Inputs in) {
        return in.queries().mmul(in.references().transpose()).dup('c').data().asDouble();
    }

    @Override
    protected INDArray[] gradient(Inputs in, double[] values, INDArray gradient) {
        INDArray dU = gradient.mmul(in.references());
        INDArray dV = gradient.transpose().mmul(in.queries());
        if (in.self()) {
            return new INDArray[]{dU.addi(dV), null};
        }
        return new INDArray[]{dU, dV};
    }
}
