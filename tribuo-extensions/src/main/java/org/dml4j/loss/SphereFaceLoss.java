package org.dml4j.loss;

/**
 * SphereFace, the angular softmax loss A-Softmax (Liu et al. 2017, "SphereFace: Deep Hypersphere Embedding for Face
 * Recognition"), PML's {@code SphereFaceLoss}: {@link LargeMarginSoftmaxLoss} with the class weights' norms left
 * out of the logits ({@code ||x|| psi(theta)} for the target, {@code ||x|| cos(theta_c)} for the others, times
 * {@code s}). PML's defaults are L-Softmax's: margin 4, scale 1.
 */
public final class SphereFaceLoss extends LargeMarginSoftmaxLoss {

    private SphereFaceLoss() {
        // For OLCUT.
    }

    /**
     * Creates the loss with PML's defaults (margin 4, scale 1).
     *
     * @param numClasses    the number of classes
     * @param embeddingSize the embedding dimension
     */
    public SphereFaceLoss(int numClasses, int embeddingSize) {
        super(numClasses, embeddingSize);
    }

    /**
     * Creates the loss.
     *
     * @param numClasses    the number of classes
     * @param embeddingSize the embedding dimension
     * @param margin        the multiplicative angular margin m (an integer >= 1)
     * @param scale         the logit scale
     */
    public SphereFaceLoss(int numClasses, int embeddingSize, int margin, double scale) {
        super(numClasses, embeddingSize, margin, scale);
    }

    @Override
    protected boolean scalesByWeightNorm() {
        return false;
    }
}
