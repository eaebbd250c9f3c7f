package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.SNRDistance;
import org.dml4j.reduce.AvgNonZeroReducer;
import org.dml4j.reduce.Reducer;

/**
 * The contrastive loss on the signal-to-noise-ratio distance (Yuan et al., "Signal-To-Noise Ratio: A Robust Distance
 * Metric for Deep Metric Learning", CVPR 2019), PML's {@code SignalToNoiseRatioContrastiveLoss}: {@link
 * ContrastiveLoss} with an {@link SNRDistance}, margins {@value #DEFAULT_POS_MARGIN} and {@value #DEFAULT_NEG_MARGIN},
 * each part reduced by the average of its non-zero terms. As in PML, the distance must be an SNR distance.
 */
public final class SignalToNoiseRatioContrastiveLoss extends ContrastiveLoss {

    /**
     * Creates the loss with PML's defaults: margins {@value #DEFAULT_POS_MARGIN} and {@value #DEFAULT_NEG_MARGIN},
     * SNR distance on normalized embeddings.
     */
    public SignalToNoiseRatioContrastiveLoss() {
        this(DEFAULT_POS_MARGIN, DEFAULT_NEG_MARGIN, new SNRDistance(), new AvgNonZeroReducer());
    }

    /**
     * Creates the loss.
     *
     * @param posMargin positive pairs with an SNR distance below this contribute nothing
     * @param negMargin negative pairs with an SNR distance above this contribute nothing
     * @param distance  the SNR distance (with or without normalization)
     * @param reducer   the reducer of each part
     */
    public SignalToNoiseRatioContrastiveLoss(double posMargin, double negMargin, SNRDistance distance,
                                             Reducer reducer) {
        super(posMargin, negMargin, distance, reducer);
        postConfig();
    }

    @Override
    public void postConfig() {
        if (!(distance instanceof SNRDistance)) {
            throw new PropertyException("", "distance", "SignalToNoiseRatioContrastiveLoss needs an SNRDistance, found "
                    + distance + "; use ContrastiveLoss for other distances");
        }
    }
}
