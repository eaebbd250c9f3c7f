package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.dml4j.distance.Distance;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.PairTuples;
import org.dml4j.mining.TripletTuples;
import org.dml4j.reduce.LossTerms;
import org.dml4j.reduce.MeanReducer;
import org.dml4j.reduce.Reducer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What every loss has: a distance, a reducer, input checks and provenance. Subclasses set the PML defaults for
 * both in their constructors.
 */
abstract class AbstractMetricLoss implements MetricLoss {

    @Config(description = "The distance or similarity the loss is computed on.")
    protected Distance distance;

    @Config(description = "The reducer that turns the loss terms into one value.")
    protected Reducer reducer;

    private final AllPairsCache allPairs = new AllPairsCache();

    /**
     * @param distance the default distance
     * @param reducer  the default reducer
     */
    protected AbstractMetricLoss(Distance distance, Reducer reducer) {
        this.distance = distance;
        this.reducer = reducer;
    }

    /** @return the distance */
    public Distance distance() {
        return distance;
    }

    /** @return the reducer */
    public Reducer reducer() {
        return reducer;
    }

    /**
     * For a loss that PML reduces itself (its "already reduced" value passes through every PML reducer unchanged):
     * rejects a reducer other than the default mean, so that a configured reducer never silently does nothing.
     *
     * @throws PropertyException if the reducer is not a {@link MeanReducer}
     */
    protected void requireMeanReducer() {
        if (!(reducer instanceof MeanReducer)) {
            throw new PropertyException("", "reducer", getClass().getSimpleName() + " reduces its terms itself, as in"
                    + " PML, where a reducer has no effect on it; leave the reducer at MeanReducer, found " + reducer);
        }
    }

    /**
     * Reduces terms with the configured reducer.
     *
     * @param terms   the terms
     * @param weights output: the weight of each term in the value
     * @return the reduced value
     */
    protected double reduce(LossTerms terms, double[] weights) {
        return reducer.reduce(terms, weights);
    }

    /**
     * The pairs of a matrix, as {@link PairTuples#from}: all pairs when {@code tuples} is null (for a batch against
     * itself, kept from the last batch when its rows shared labels in the same way), otherwise the pairs of the mined
     * tuples.
     *
     * @param tuples          the mined tuples, or null
     * @param matrix          the matrix the pairs index
     * @param queryLabels     the label of each row
     * @param referenceLabels the label of each column
     * @return the pairs, not to be modified
     */
    protected PairTuples pairs(IndexTuples tuples, PairwiseMatrix matrix, int[] queryLabels, int[] referenceLabels) {
        if (matrix.isSelf()) {
            return allPairs.pairs(tuples, queryLabels);
        }
        return tuples == null ? PairTuples.all(queryLabels, referenceLabels) : PairTuples.from(tuples, queryLabels);
    }

    /**
     * The triplets of a matrix, as {@link TripletTuples#from}: all triplets when {@code tuples} is null, otherwise
     * the triplets of the mined tuples.
     *
     * @param tuples          the mined tuples, or null
     * @param matrix          the matrix the triplets index
     * @param queryLabels     the label of each row
     * @param referenceLabels the label of each column
     * @return the triplets
     */
    protected static TripletTuples triplets(IndexTuples tuples, PairwiseMatrix matrix, int[] queryLabels,
                                            int[] referenceLabels) {
        if (tuples == null && !matrix.isSelf()) {
            return TripletTuples.all(queryLabels, referenceLabels);
        }
        return TripletTuples.from(tuples, queryLabels);
    }

    /**
     * Rejects a batch whose labels do not fit its embeddings.
     *
     * @param embeddings the batch
     * @param labels     its labels
     */
    protected static void checkBatch(INDArray embeddings, int[] labels) {
        checkSet("batch", embeddings, labels);
    }

    /**
     * Rejects a set of embeddings whose labels do not fit it.
     *
     * @param name       what the set is, for the message ("batch", "reference set")
     * @param embeddings the embeddings
     * @param labels     their labels
     */
    protected static void checkSet(String name, INDArray embeddings, int[] labels) {
        if (embeddings.rank() != 2) {
            throw new IllegalArgumentException("embeddings must be a matrix (one row per example), found rank "
                    + embeddings.rank() + " for the " + name);
        }
        if (embeddings.rows() != labels.length) {
            throw new IllegalArgumentException("the " + name + " has " + embeddings.rows() + " embeddings but "
                    + labels.length + " labels");
        }
        checkLabels(labels);
    }

    /**
     * Rejects negative labels.
     *
     * @param labels the batch labels
     */
    protected static void checkLabels(int[] labels) {
        for (int label : labels) {
            if (label < 0) {
                throw new IllegalArgumentException("labels must be non-negative, found " + label);
            }
        }
    }

    /**
     * Rejects a distance other than the inner product of normalized embeddings (cosine similarity), for the losses
     * whose formula is written on it.
     *
     * @param loss     the loss's name, for the message
     * @param distance the configured distance
     * @throws PropertyException if it is not a cosine similarity
     */
    protected static void requireCosine(String loss, Distance distance) {
        if (!(distance.isInverted() && distance.normalizesEmbeddings())) {
            throw new PropertyException("", "distance", loss + " is defined on the cosine similarity (the inner "
                    + "product of normalized embeddings): use CosineSimilarity, found " + distance);
        }
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "MetricLoss");
    }
}
