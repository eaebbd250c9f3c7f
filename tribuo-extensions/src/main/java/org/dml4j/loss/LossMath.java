package org.dml4j.loss;

/** Numerically stable helpers shared by the losses. */
final class LossMath {

    private LossMath() {
    }

    static double relu(double x) {
        return x > 0 ? x : 0;
    }

    /** 1 for x > 0, else 0 (PyTorch's relu'(0) = 0). */
    static double reluGrad(double x) {
        return x > 0 ? 1 : 0;
    }

    /** log(1 + e^x), as PyTorch's Softplus(beta=1, threshold=20): x itself above 20. */
    static double softplus(double x) {
        return x > 20 ? x : Math.log1p(Math.exp(x));
    }

    /** The derivative of {@link #softplus}: the logistic function, 1 above the threshold. */
    static double softplusGrad(double x) {
        return x > 20 ? 1 : 1 / (1 + Math.exp(-x));
    }

    /**
     * {@code log(Σ e^v)} over the first {@code n} entries ({@code addOne}: {@code log(1 + Σ e^v)}); 0 for none, as
     * PML's masked logsumexp. Writes the softmax weights {@code dResult/dv} into {@code softmax}.
     */
    static double logSumExp(double[] v, int n, boolean addOne, double[] softmax) {
        if (n == 0) {
            return 0;
        }
        double max = addOne ? 0 : Double.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) {
            max = Math.max(max, v[k]);
        }
        double sum = addOne ? Math.exp(-max) : 0;
        for (int k = 0; k < n; k++) {
            softmax[k] = Math.exp(v[k] - max);
            sum += softmax[k];
        }
        for (int k = 0; k < n; k++) {
            softmax[k] /= sum;
        }
        return max + Math.log(sum);
    }
}
