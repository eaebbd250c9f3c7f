package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.dml4j.distance.Distance;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.Miner;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A weighted sum of losses, PML's {@code MultipleLosses}: {@code Σ_i w_i · L_i(embeddings, labels, tuples_i)}, where
 * {@code tuples_i} are mined by the term's own miner when it has one and are otherwise the tuples given to the sum
 * (as in PML, tuples cannot be given when any term has a miner). The gradient is the same weighted sum; the terms'
 * parameters (proxies, class weights) are exposed under {@code "<term index>.<name>"}.
 * <p>
 * It takes no reference set, as in PML. A model trained with it ranks by the first term's distance.
 */
public final class MultipleLosses implements MetricLoss {

    @Config(mandatory = true, description = "The terms: each a loss, its weight and optionally its miner.")
    private List<WeightedLoss> losses;

    private MultipleLosses() {
        // For OLCUT.
    }

    /**
     * Creates the sum.
     *
     * @param losses the terms, at least one
     */
    public MultipleLosses(List<WeightedLoss> losses) {
        this.losses = List.copyOf(losses);
        postConfig();
    }

    /**
     * The unweighted sum of losses without miners (PML's {@code MultipleLosses(losses)}).
     *
     * @param losses the losses
     * @return the sum
     */
    public static MultipleLosses of(MetricLoss... losses) {
        List<WeightedLoss> terms = new ArrayList<>();
        for (MetricLoss loss : losses) {
            terms.add(new WeightedLoss(loss, WeightedLoss.DEFAULT_WEIGHT, null));
        }
        return new MultipleLosses(terms);
    }

    @Override
    public void postConfig() {
        if (losses == null || losses.isEmpty()) {
            throw new PropertyException("", "losses", "MultipleLosses needs at least one loss");
        }
    }

    /** @return the terms */
    public List<WeightedLoss> losses() {
        return losses;
    }

    @Override
    public LossResult compute(INDArray embeddings, int[] labels, IndexTuples tuples) {
        if (tuples != null && losses.stream().anyMatch(t -> t.miner() != null)) {
            throw new IllegalArgumentException("MultipleLosses mines its own tuples (a term has a miner), so it takes"
                    + " none (as in PML): remove the trainer's miner or the terms' miners");
        }
        double value = 0;
        INDArray gradient = null;
        Map<String, INDArray> parameterGradients = new LinkedHashMap<>();
        for (int i = 0; i < losses.size(); i++) {
            WeightedLoss term = losses.get(i);
            Miner miner = term.miner();
            LossResult r = term.loss().compute(embeddings, labels, miner == null ? tuples : miner.mine(embeddings,
                    labels));
            value += term.weight() * r.value();
            INDArray weighted = r.embeddingGradient().mul(term.weight());
            gradient = gradient == null ? weighted : gradient.addi(weighted);
            for (Map.Entry<String, INDArray> e : r.parameterGradients().entrySet()) {
                parameterGradients.put(i + "." + e.getKey(), e.getValue().mul(term.weight()));
            }
        }
        return new LossResult(value, gradient, parameterGradients);
    }

    /** @return the first term's distance */
    @Override
    public Distance distance() {
        return losses.get(0).loss().distance();
    }

    @Override
    public Map<String, INDArray> parameters() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (int i = 0; i < losses.size(); i++) {
            for (Map.Entry<String, INDArray> e : losses.get(i).loss().parameters().entrySet()) {
                out.put(i + "." + e.getKey(), e.getValue());
            }
        }
        return out;
    }

    @Override
    public MetricLoss forTraining(long seed) {
        return withTermLosses(i -> losses.get(i).loss().forTraining(seed + i));
    }

    @Override
    public MetricLoss forTraining(long seed, int numClasses, int embeddingSize) {
        return withTermLosses(i -> losses.get(i).loss().forTraining(seed + i, numClasses, embeddingSize));
    }

    /** This sum with each term's loss replaced (term i's seed is {@code seed + i}), or this when none changes. */
    private MetricLoss withTermLosses(java.util.function.IntFunction<MetricLoss> lossOfTerm) {
        List<WeightedLoss> terms = new ArrayList<>();
        boolean changed = false;
        for (int i = 0; i < losses.size(); i++) {
            WeightedLoss term = losses.get(i).withLoss(lossOfTerm.apply(i));
            changed |= term != losses.get(i);
            terms.add(term);
        }
        return changed ? new MultipleLosses(terms) : this;
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "MetricLoss");
    }

    @Override
    public String toString() {
        return "MultipleLosses(" + losses + ")";
    }
}
