package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.dml4j.distance.Distance;
import org.dml4j.mining.IndexTuples;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;

/**
 * PML's {@code SelfSupervisedLoss} wrapper: a metric loss between two augmented views of the same batch, without
 * labels, where row {@code i} of the first view and row {@code i} of the second are the only positives (SimCLR with
 * {@link NTXentLoss}, Chen et al. 2020, "A Simple Framework for Contrastive Learning of Visual Representations"; or
 * {@link SupConLoss}). As PML's {@code forward(embeddings, ref_emb)}:
 * <ul>
 *   <li>{@code symmetric} (the default): the wrapped loss on the {@code 2B} rows {@code [view1; view2]} with labels
 *       {@code [0..B-1, 0..B-1]}, so every row of either view is an anchor;</li>
 *   <li>not symmetric: the wrapped loss of the queries {@code view1} against the references {@code view2}, both
 *       labelled {@code 0..B-1} (only the first view's rows are anchors; needs a loss that
 *       {@link MetricLoss#acceptsReferences() accepts references}).</li>
 * </ul>
 * Use it through {@link #compute(INDArray, INDArray)} (or PML's reference-set form
 * {@code compute(view1, null, null, view2, null)}; labels, when given, are ignored). Called with one batch and labels,
 * as a supervised loss, it throws. The trainer's self-supervised mode ({@link org.dml4j.train.SelfSupervision})
 * trains with it.
 */
public final class SelfSupervisedLoss implements MetricLoss {

    @Config(mandatory = true, description = "The wrapped loss (NTXentLoss for SimCLR, or SupConLoss, or another "
            + "loss over pairs or tuples).")
    private MetricLoss loss;

    @Config(description = "Whether both views' rows are anchors (PML default true).")
    private boolean symmetric = true;

    /** For OLCUT. */
    private SelfSupervisedLoss() {
    }

    /**
     * Wraps a loss, symmetric as PML's default.
     *
     * @param loss the wrapped loss
     */
    public SelfSupervisedLoss(MetricLoss loss) {
        this(loss, true);
    }

    /**
     * Wraps a loss.
     *
     * @param loss      the wrapped loss
     * @param symmetric whether both views' rows are anchors
     */
    public SelfSupervisedLoss(MetricLoss loss, boolean symmetric) {
        this.loss = loss;
        this.symmetric = symmetric;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (loss instanceof SelfSupervisedLoss || loss instanceof VICRegLoss) {
            throw new PropertyException("", "loss", "SelfSupervisedLoss wraps a loss over labelled pairs or tuples "
                    + "(e.g. NTXentLoss, SupConLoss), found " + loss.getClass().getSimpleName());
        }
        if (!loss.acceptsReferences()) {
            throw new PropertyException("", "loss", "SelfSupervisedLoss needs a loss without class parameters "
                    + "(one whose acceptsReferences() is true, as PML's supported losses), found "
                    + loss.getClass().getSimpleName());
        }
    }

    /** @return the wrapped loss */
    public MetricLoss loss() {
        return loss;
    }

    /** @return whether both views' rows are anchors */
    public boolean symmetric() {
        return symmetric;
    }

    /**
     * The loss between two views of the same batch.
     *
     * @param view1 the raw embeddings of the first view, B × d
     * @param view2 the raw embeddings of the second view, B × d (row i: the same example as row i of view1)
     * @return the value and the gradients with respect to both views
     * @throws IllegalArgumentException if the views' shapes differ
     */
    public ReferenceLossResult compute(INDArray view1, INDArray view2) {
        if (view1.rank() != 2 || !Arrays.equals(view1.shape(), view2.shape())) {
            throw new IllegalArgumentException("the two views must both be B × d, found "
                    + Arrays.toString(view1.shape()) + " and " + Arrays.toString(view2.shape()));
        }
        int b = view1.rows();
        int[] ids = new int[b];
        for (int i = 0; i < b; i++) {
            ids[i] = i;
        }
        if (!symmetric) {
            return loss.compute(view1, ids, null, view2, ids);
        }
        int[] labels = new int[2 * b];
        for (int i = 0; i < 2 * b; i++) {
            labels[i] = i % b;
        }
        LossResult both = loss.compute(Nd4j.vstack(view1, view2), labels, null);
        INDArray g = both.embeddingGradient();
        return new ReferenceLossResult(both.value(), g.get(NDArrayIndex.interval(0, b), NDArrayIndex.all()),
                g.get(NDArrayIndex.interval(b, 2 * b), NDArrayIndex.all()));
    }

    /**
     * Two views without labels; the labels are ignored.
     *
     * @throws IllegalArgumentException if tuples are given: the views define the pairs
     */
    @Override
    public ReferenceLossResult compute(INDArray queries, int[] queryLabels, IndexTuples tuples, INDArray references,
                                       int[] referenceLabels) {
        if (tuples != null) {
            throw new IllegalArgumentException("SelfSupervisedLoss takes no mined tuples: the two views of each "
                    + "example are its positives");
        }
        return compute(queries, references);
    }

    /**
     * Always throws: a self-supervised loss compares two views.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public LossResult compute(INDArray embeddings, int[] labels, IndexTuples tuples) {
        throw new UnsupportedOperationException("SelfSupervisedLoss compares two augmented views of the same batch, "
                + "without labels: call compute(view1, view2), or train with a SelfSupervision");
    }

    @Override
    public boolean acceptsTuples() {
        return false;
    }

    @Override
    public boolean acceptsReferences() {
        return true;
    }

    @Override
    public Distance distance() {
        return loss.distance();
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "MetricLoss");
    }

    @Override
    public String toString() {
        return "SelfSupervisedLoss(loss=" + loss + ", symmetric=" + symmetric + ")";
    }
}
