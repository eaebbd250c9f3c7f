package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import org.dml4j.distance.Distance;
import org.dml4j.mining.IndexTuples;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/** A metric-learning loss on a batch of embeddings with integer labels. */
public interface MetricLoss extends Configurable, Provenancable<ConfiguredObjectProvenance> {

    /**
     * Computes the loss and its gradients.
     *
     * @param embeddings the raw embeddings, B × d (float32 for training; float64 works too)
     * @param labels     the B class labels (non-negative)
     * @param tuples     the tuples a miner selected, or null for the loss's default (usually all tuples)
     * @return the value and the gradients, in the embeddings' data type
     */
    LossResult compute(INDArray embeddings, int[] labels, IndexTuples tuples);

    /**
     * Computes the loss over its default tuples.
     *
     * @param embeddings the raw embeddings, B × d
     * @param labels     the B class labels
     * @return the value and the gradients
     */
    default LossResult compute(INDArray embeddings, int[] labels) {
        return compute(embeddings, labels, null);
    }

    /**
     * Whether the loss takes mined tuples; as in PML, a few losses that rank the whole batch (PNP, ranked list) do
     * not, and reject them.
     *
     * @return true if it does
     */
    default boolean acceptsTuples() {
        return true;
    }

    /**
     * Whether the loss can compare queries with a separate reference set
     * ({@link #compute(INDArray, int[], IndexTuples, INDArray, int[])}); as in PML, the tuple losses can, the losses
     * with class parameters (proxies, class weights) cannot.
     *
     * @return true if it can
     */
    default boolean acceptsReferences() {
        return false;
    }

    /**
     * Computes the loss of queries against a reference set, as PML's
     * {@code loss(embeddings, labels, indices_tuple, ref_emb, ref_labels)}: every pair or tuple has a query row as
     * its anchor and reference rows as its other members. No pair is left out as a self comparison, as in PML: a
     * reference that is a copy of its query is a positive (to drop such pairs, pass tuples without them). With the
     * batch as its own reference set and tuples without self pairs this is {@link #compute(INDArray, int[],
     * IndexTuples)}, its gradient split between the two sets.
     *
     * @param queries         the raw query embeddings, B × d
     * @param queryLabels     their B labels (non-negative)
     * @param tuples          tuples whose anchors index the queries and other members the references (as a
     *                        miner's {@code mine(queries, queryLabels, references, referenceLabels)} returns them),
     *                        or null for the loss's default (usually all tuples between the two sets)
     * @param references      the raw reference embeddings, N × d
     * @param referenceLabels their N labels (non-negative)
     * @return the value and the gradients with respect to the queries and the references
     * @throws UnsupportedOperationException if the loss takes no reference set ({@link #acceptsReferences()})
     */
    default ReferenceLossResult compute(INDArray queries, int[] queryLabels, IndexTuples tuples, INDArray references,
                                        int[] referenceLabels) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not take a reference set (as in"
                + " PML, only losses without class parameters do); use a loss whose acceptsReferences() is true");
    }

    /**
     * The distance the loss compares embeddings with (a model trained with it ranks by the matching distance).
     *
     * @return the distance, or null when the loss has no configurable one
     */
    default Distance distance() {
        return null;
    }

    /**
     * The loss's trainable parameters by name (proxies, class weights); empty for most losses. The arrays are live:
     * an optimizer updates them in place.
     *
     * @return the parameters
     */
    default Map<String, INDArray> parameters() {
        return Map.of();
    }

    /**
     * The loss one training run should use: this loss when it has no parameters, else a copy whose parameters are
     * freshly initialized from {@code seed}, so that runs neither share nor inherit trained parameters.
     *
     * @param seed the seed of the parameters' initialization
     * @return the loss to train with
     */
    default MetricLoss forTraining(long seed) {
        return this;
    }

    /**
     * The loss one training run on data with {@code numClasses} classes and a network of
     * {@code embeddingSize} outputs should use: as {@link #forTraining(long)}, with any size the loss leaves unset
     * (the class count and embedding size of per-class parameters) taken from these.
     *
     * @param seed          the seed of the parameters' initialization
     * @param numClasses    the number of classes of the training data
     * @param embeddingSize the width of the network's embeddings
     * @return the loss to train with
     * @throws IllegalArgumentException if a size the loss sets does not fit the data or the network
     */
    default MetricLoss forTraining(long seed, int numClasses, int embeddingSize) {
        return forTraining(seed);
    }
}
