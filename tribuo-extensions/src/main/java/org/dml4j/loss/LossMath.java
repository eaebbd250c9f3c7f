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

    /**
     * {@code cos(θ + shift)} for {@code θ = acos(cosine)}, the cosine clamped to [-1, 1] first (PyTorch's
     * {@code acos} gives NaN just outside it, where rounding puts the cosine of duplicates).
     */
    static double shiftedAngleCosine(double cosine, double shift) {
        return Math.cos(Math.acos(Math.max(-1, Math.min(1, cosine))) + shift);
    }

    /**
     * The derivative of {@link #shiftedAngleCosine} with respect to the cosine, {@code sin(θ + shift) / sin θ}: 0
     * outside [-1, 1] (the clamp), and with {@code sin θ} floored at {@value #SINE_FLOOR}. The derivative is
     * unbounded as θ → 0 or π, but the angle's own derivative with respect to the embeddings vanishes as fast, so
     * the gradient with respect to the embeddings stays bounded; the floor keeps exact duplicates (θ = 0, where the
     * normalization's projection is 0 up to rounding) at a negligible gradient instead of rounding noise times 1e150.
     */
    static double shiftedAngleCosineGrad(double cosine, double shift) {
        if (cosine < -1 || cosine > 1) {
            return 0;
        }
        double sine = Math.max(Math.sqrt(1 - cosine * cosine), SINE_FLOOR);
        return Math.sin(Math.acos(cosine) + shift) / sine;
    }

    /** The floor under {@code sin θ} in {@link #shiftedAngleCosineGrad}. */
    static final double SINE_FLOOR = 1e-8;
}
