package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.dml4j.mining.Miner;

/**
 * One term of {@link MultipleLosses}: a loss, its weight in the sum, and optionally the miner that chooses its
 * tuples (PML's {@code losses[i]}, {@code weights[i]} and {@code miners[i]}).
 */
public final class WeightedLoss implements Configurable, Provenancable<ConfiguredObjectProvenance> {

    /** PML's default weight of a loss. */
    public static final double DEFAULT_WEIGHT = 1.0;

    @Config(mandatory = true, description = "The loss.")
    private MetricLoss loss;

    @Config(description = "The weight of the loss in the sum (PML default " + DEFAULT_WEIGHT + ").")
    private double weight = DEFAULT_WEIGHT;

    @Config(description = "The miner choosing the loss's tuples (none: the tuples given to the sum, usually none).")
    private Miner miner;

    private WeightedLoss() {
        // For OLCUT.
    }

    /**
     * Creates a term.
     *
     * @param loss   the loss
     * @param weight its weight in the sum
     * @param miner  the miner of its tuples, or null
     */
    public WeightedLoss(MetricLoss loss, double weight, Miner miner) {
        this.loss = loss;
        this.weight = weight;
        this.miner = miner;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (loss == null) {
            throw new PropertyException("", "loss", "a weighted loss needs a loss");
        }
        if (!Double.isFinite(weight)) {
            throw new PropertyException("", "weight", "weight must be finite, found " + weight);
        }
    }

    /** @return the loss */
    public MetricLoss loss() {
        return loss;
    }

    /** @return the weight */
    public double weight() {
        return weight;
    }

    /** @return the miner, or null */
    public Miner miner() {
        return miner;
    }

    /**
     * The same term with another loss (the loss of one training run, see {@link MetricLoss#forTraining}).
     *
     * @param other the loss
     * @return the term
     */
    WeightedLoss withLoss(MetricLoss other) {
        return other == loss ? this : new WeightedLoss(other, weight, miner);
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "WeightedLoss");
    }

    @Override
    public String toString() {
        return weight + " * " + loss + (miner == null ? "" : " mined by " + miner);
    }
}
