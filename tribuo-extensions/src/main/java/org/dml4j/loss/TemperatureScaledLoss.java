package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.Distance;
import org.dml4j.mining.PairTuples;
import org.dml4j.reduce.Reducer;

/**
 * The contrastive softmax losses over pairs (NT-Xent, SupCon): logits are the similarities divided by a temperature
 * ({@code S/t}, or {@code -D/t} for a distance), and the loss is 0 unless the batch has positive and negative pairs.
 */
abstract class TemperatureScaledLoss extends TupleLoss {

    /** The temperature t. */
    @Config(description = "The temperature t that divides the similarities.")
    protected double temperature;

    /**
     * @param temperature the default temperature
     * @param distance    the distance
     * @param reducer     the reducer
     */
    protected TemperatureScaledLoss(double temperature, Distance distance, Reducer reducer) {
        super(distance, reducer);
        this.temperature = temperature;
    }

    @Override
    public void postConfig() {
        if (!(temperature > 0)) {
            throw new PropertyException("", "temperature", "temperature must be > 0, found " + temperature);
        }
    }

    /** @return the factor turning a matrix value into a logit: {@code 1/t} for a similarity, {@code -1/t} else */
    protected double logitScale() {
        return -distance.marginSign() / temperature;
    }

    /**
     * Whether these pairs give no loss: PML's degenerate rule, or no positive or no negative pair at all.
     *
     * @param pairs the pairs
     * @return true if the loss is 0
     */
    protected static boolean nothingToContrast(PairTuples pairs) {
        return pairs.isDegenerate() || pairs.numPositive() == 0 || pairs.numNegative() == 0;
    }
}
