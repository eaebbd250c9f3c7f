package org.dml4j.regularize;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.dml4j.distance.Distance;
import org.dml4j.loss.ClassParameterLoss;
import org.dml4j.loss.LossResult;
import org.dml4j.loss.MetricLoss;
import org.dml4j.loss.ReferenceLossResult;
import org.dml4j.mining.IndexTuples;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.HashMap;
import java.util.Map;

/**
 * A loss with regularizers attached, as PML's {@code embedding_regularizer}/{@code embedding_reg_weight} and
 * {@code weight_regularizer}/{@code weight_reg_weight} arguments: the value is the loss plus
 * {@code embeddingRegWeight · R_e(embeddings)} plus {@code weightRegWeight · R_w(class vectors)}, and the gradients
 * are summed accordingly (the weight regularizer's reaches the class vectors' gradient). A weight regularizer needs
 * a loss with class vectors ({@link ClassParameterLoss}: ProxyNCA, ProxyAnchor, ArcFace, CosFace, ...), which it
 * sees as PML does, one row per class. Against a reference set only the queries are regularized, as in PML.
 */
public final class RegularizedLoss implements MetricLoss {

    @Config(mandatory = true, description = "The loss the regularizers are added to.")
    private MetricLoss loss;

    @Config(description = "The regularizer of the batch's embeddings (unset: none).")
    private Regularizer embeddingRegularizer;

    @Config(description = "The weight of the embedding regularizer (PML default 1).")
    private double embeddingRegWeight = 1;

    @Config(description = "The regularizer of the loss's class vectors (unset: none); the loss must have them.")
    private Regularizer weightRegularizer;

    @Config(description = "The weight of the weight regularizer (PML default 1).")
    private double weightRegWeight = 1;

    private RegularizedLoss() {
        // For OLCUT.
    }

    /**
     * Attaches regularizers to a loss.
     *
     * @param loss                 the loss
     * @param embeddingRegularizer the regularizer of the embeddings, or null
     * @param embeddingRegWeight   its weight
     * @param weightRegularizer    the regularizer of the class vectors, or null
     * @param weightRegWeight      its weight
     */
    public RegularizedLoss(MetricLoss loss, Regularizer embeddingRegularizer, double embeddingRegWeight,
                           Regularizer weightRegularizer, double weightRegWeight) {
        this.loss = loss;
        this.embeddingRegularizer = embeddingRegularizer;
        this.embeddingRegWeight = embeddingRegWeight;
        this.weightRegularizer = weightRegularizer;
        this.weightRegWeight = weightRegWeight;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (loss == null) {
            throw new PropertyException("", "loss", "loss must be set");
        }
        if (embeddingRegularizer == null && weightRegularizer == null) {
            throw new PropertyException("", "embeddingRegularizer", "set embeddingRegularizer, weightRegularizer or "
                    + "both; without either, use the loss itself");
        }
        if (!Double.isFinite(embeddingRegWeight)) {
            throw new PropertyException("", "embeddingRegWeight", "embeddingRegWeight must be finite, found "
                    + embeddingRegWeight);
        }
        if (!Double.isFinite(weightRegWeight)) {
            throw new PropertyException("", "weightRegWeight", "weightRegWeight must be finite, found "
                    + weightRegWeight);
        }
        if (weightRegularizer != null && !(loss instanceof ClassParameterLoss)) {
            throw new PropertyException("", "weightRegularizer", "a weight regularizer needs a loss with class vectors"
                    + " (proxies or class weights, e.g. ProxyNCALoss, ArcFaceLoss, CosFaceLoss); "
                    + loss.getClass().getSimpleName() + " has none: use an embedding regularizer instead");
        }
    }

    /** @return the loss the regularizers are added to */
    public MetricLoss loss() {
        return loss;
    }

    @Override
    public LossResult compute(INDArray embeddings, int[] labels, IndexTuples tuples) {
        LossResult base = loss.compute(embeddings, labels, tuples);
        double value = base.value();
        INDArray gradient = base.embeddingGradient();
        if (embeddingRegularizer != null) {
            Regularizer.Regularization r = embeddingRegularizer.compute(embeddings);
            value += embeddingRegWeight * r.value();
            gradient = gradient.add(r.gradient().muli(embeddingRegWeight));
        }
        Map<String, INDArray> parameterGradients = base.parameterGradients();
        if (weightRegularizer != null) {
            ClassParameterLoss classLoss = (ClassParameterLoss) loss;
            Regularizer.Regularization r = weightRegularizer.compute(classLoss.classVectors()
                    .castTo(embeddings.dataType()));
            value += weightRegWeight * r.value();
            parameterGradients = new HashMap<>(parameterGradients);
            parameterGradients.merge(classLoss.parameterName(), r.gradient().muli(weightRegWeight), INDArray::add);
        }
        return new LossResult(value, gradient, parameterGradients);
    }

    @Override
    public boolean acceptsReferences() {
        return loss.acceptsReferences();
    }

    @Override
    public ReferenceLossResult compute(INDArray queries, int[] queryLabels, IndexTuples tuples, INDArray references,
                                       int[] referenceLabels) {
        ReferenceLossResult base = loss.compute(queries, queryLabels, tuples, references, referenceLabels);
        if (embeddingRegularizer == null) {
            return base;
        }
        Regularizer.Regularization r = embeddingRegularizer.compute(queries);
        return new ReferenceLossResult(base.value() + embeddingRegWeight * r.value(),
                base.queryGradient().add(r.gradient().muli(embeddingRegWeight)), base.referenceGradient());
    }

    @Override
    public Distance distance() {
        return loss.distance();
    }

    @Override
    public Map<String, INDArray> parameters() {
        return loss.parameters();
    }

    @Override
    public MetricLoss forTraining(long seed) {
        return with(loss.forTraining(seed));
    }

    @Override
    public MetricLoss forTraining(long seed, int numClasses, int embeddingSize) {
        return with(loss.forTraining(seed, numClasses, embeddingSize));
    }

    private MetricLoss with(MetricLoss trainingLoss) {
        return trainingLoss == loss ? this : new RegularizedLoss(trainingLoss, embeddingRegularizer,
                embeddingRegWeight, weightRegularizer, weightRegWeight);
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "MetricLoss");
    }

    @Override
    public String toString() {
        return "RegularizedLoss(loss=" + loss + ", embeddingRegularizer=" + embeddingRegularizer + " x "
                + embeddingRegWeight + ", weightRegularizer=" + weightRegularizer + " x " + weightRegWeight + ")";
    }
}
