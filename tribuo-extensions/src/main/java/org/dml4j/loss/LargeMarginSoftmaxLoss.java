package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;

/**
 * The large-margin softmax loss, L-Softmax (Liu et al. 2016, "Large-Margin Softmax Loss for Convolutional Neural
 * Networks"), PML's {@code LargeMarginSoftmaxLoss}: the target logit is {@code ||x|| ||w|| psi(theta)} with
 * {@code psi(theta) = (-1)^k cos(m theta) - 2k} for {@code theta} in {@code [k pi/m, (k+1) pi/m]} (the paper's
 * equation 6, {@code cos(m theta)} by the multiple-angle formula of its equation 7), the other logits
 * {@code ||x|| ||w_c|| cos(theta_c)}, all times {@code s}; cross-entropy, mean over examples. The margin m is an
 * integer (PML truncates it with {@code int()}; DML4J takes only integers).
 */
public class LargeMarginSoftmaxLoss extends MarginSoftmaxLoss {

    /** PML's default multiplicative angular margin m. */
    public static final int DEFAULT_MARGIN = 4;

    /** PML's default logit scale s. */
    public static final double DEFAULT_SCALE = 1.0;

    @Config(description = "The multiplicative angular margin m, an integer >= 1 (PML default " + DEFAULT_MARGIN
            + ").")
    private int margin = DEFAULT_MARGIN;

    /** For OLCUT. */
    LargeMarginSoftmaxLoss() {
        super(DEFAULT_SCALE);
    }

    /**
     * Creates the loss with PML's defaults (margin 4, scale 1).
     *
     * @param numClasses    the number of classes
     * @param embeddingSize the embedding dimension
     */
    public LargeMarginSoftmaxLoss(int numClasses, int embeddingSize) {
        this(numClasses, embeddingSize, DEFAULT_MARGIN, DEFAULT_SCALE);
    }

    /**
     * Creates the loss.
     *
     * @param numClasses    the number of classes
     * @param embeddingSize the embedding dimension
     * @param margin        the multiplicative angular margin m (an integer >= 1)
     * @param scale         the logit scale
     */
    public LargeMarginSoftmaxLoss(int numClasses, int embeddingSize, int margin, double scale) {
        super(scale);
        this.numClasses = numClasses;
        this.embeddingSize = embeddingSize;
        this.margin = margin;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (margin < 1) {
            throw new PropertyException("", "margin", getClass().getSimpleName() + " needs an integer margin m >= 1 "
                    + "(the m of cos(m theta); 1 is the plain softmax), found " + margin);
        }
        super.postConfig();
    }

    @Override
    protected boolean scalesByEmbeddingNorm() {
        return true;
    }

    @Override
    protected boolean scalesByWeightNorm() {
        return true;
    }

    /** The k of {@code theta} in {@code [k pi/m, (k+1) pi/m]}; a constant for the gradient, as in PML. */
    private int interval(double cosine) {
        return (int) Math.floor(Math.acos(Math.max(-1, Math.min(1, cosine))) / (Math.PI / margin));
    }

    @Override
    protected double targetLogit(double cosine) {
        int k = interval(cosine);
        return (k % 2 == 0 ? 1 : -1) * multipleAngleCosine(cosine, false) - 2 * k;
    }

    @Override
    protected double targetLogitGradient(double cosine) {
        return (interval(cosine) % 2 == 0 ? 1 : -1) * multipleAngleCosine(cosine, true);
    }

    /**
     * {@code cos(m theta)} as the polynomial {@code Σ_n (-1)^n C(m, 2n) c^(m-2n) (1-c²)^n} of {@code c = cos(theta)}
     * (not clamped, as PML), or its derivative with respect to c.
     */
    private double multipleAngleCosine(double c, boolean derivative) {
        double sine2 = 1 - c * c;
        double sum = 0;
        double binomial = 1;
        for (int n = 0; n <= margin / 2; n++) {
            if (n > 0) {
                binomial = binomial * (margin - 2 * n + 2) * (margin - 2 * n + 1) / ((2 * n - 1) * (2 * n));
            }
            int power = margin - 2 * n;
            double coefficient = (n % 2 == 0 ? 1 : -1) * binomial;
            if (!derivative) {
                sum += coefficient * Math.pow(c, power) * Math.pow(sine2, n);
                continue;
            }
            if (power > 0) {
                sum += coefficient * power * Math.pow(c, power - 1) * Math.pow(sine2, n);
            }
            if (n > 0) {
                sum += coefficient * Math.pow(c, power) * n * Math.pow(sine2, n - 1) * (-2 * c);
            }
        }
        return sum;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(numClasses=" + numClasses + ", embeddingSize=" + embeddingSize
                + ", margin=" + margin + ", scale=" + scale + ")";
    }
}
