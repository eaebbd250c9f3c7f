package org.dml4j.nn;

import org.apache.commons.math3.special.Erf;
import org.dml4j.nd.HostArrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The Gaussian error linear unit {@code x·Φ(x) = x·(1 + erf(x/√2))/2} (Hendrycks and Gimpel, 2016; PyTorch's exact
 * {@code nn.GELU()}), the activation of a {@link TransformerBlock}'s MLP. It computes in float64 and rounds the result
 * once to the input's type.
 */
public final class GELU implements Layer {

    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    private double[] input;

    /** Creates the layer. */
    public GELU() {
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        double[] x = HostArrays.doubles(input);
        this.input = x;
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] * normalCdf(x[i]);
        }
        return HostArrays.create(y, input.dataType(), input.shape());
    }

    /** {@code d/dx x·Φ(x) = Φ(x) + x·φ(x)}. */
    @Override
    public INDArray backward(INDArray gradOutput) {
        double[] x = ForwardCache.require(input, "GELU");
        double[] g = HostArrays.doubles(gradOutput);
        for (int i = 0; i < g.length; i++) {
            g[i] *= normalCdf(x[i]) + x[i] * INV_SQRT_2PI * Math.exp(-x[i] * x[i] / 2);
        }
        return HostArrays.create(g, gradOutput.dataType(), gradOutput.shape());
    }

    private static double normalCdf(double x) {
        return 0.5 * (1 + Erf.erf(x * SQRT_HALF));
    }

    @Override
    public Layer copy() {
        return new GELU();
    }

    @Override
    public String toString() {
        return "GELU";
    }
}
