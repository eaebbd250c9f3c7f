package org.dml4j.train;

import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.loss.LossResult;
import org.dml4j.loss.MetricLoss;
import org.dml4j.loss.TupleLoss;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.MatrixMiner;
import org.dml4j.mining.Miner;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A batch's loss after its miner. When the miner decides from the pairwise matrix and the loss is computed on the
 * same distance (the multi-similarity miner and loss, the triplet-margin miner and the triplet loss with their
 * defaults), the batch's matrix is computed once and used by both; PML computes it twice.
 */
public final class MinedLoss {

    private final MetricLoss loss;
    private final Miner miner;
    private final boolean sharesMatrix;

    /**
     * @param loss  the loss
     * @param miner the miner, or null to use the loss's default tuples
     */
    public MinedLoss(MetricLoss loss, Miner miner) {
        this.loss = loss;
        this.miner = miner;
        this.sharesMatrix = miner instanceof MatrixMiner<?> matrixMiner && loss instanceof TupleLoss tupleLoss
                && matrixMiner.distance().equals(tupleLoss.distance());
    }

    /** @return whether the miner and the loss share the batch's matrix */
    public boolean sharesMatrix() {
        return sharesMatrix;
    }

    /**
     * Mines a batch, unless it comes with its tuples: the first half of a step, kept apart so that a benchmark can
     * time it.
     *
     * @param embeddings the batch's embeddings
     * @param labels     their labels
     * @param given      the batch's annotated tuples, or null to mine them (when there is a miner)
     * @return the mined batch, ready for {@link MinedBatch#loss()}
     */
    public MinedBatch mine(INDArray embeddings, int[] labels, IndexTuples given) {
        if (given != null || miner == null) {
            return new MinedBatch(embeddings, labels, given, null);
        }
        if (!sharesMatrix) {
            return new MinedBatch(embeddings, labels, miner.mine(embeddings, labels), null);
        }
        if (embeddings.rows() != labels.length) {
            throw new IllegalArgumentException("the batch has " + embeddings.rows() + " embeddings but "
                    + labels.length + " labels");
        }
        PairwiseMatrix matrix = ((TupleLoss) loss).distance().pairwise(embeddings);
        return new MinedBatch(embeddings, labels, ((MatrixMiner<?>) miner).mine(matrix, labels), matrix);
    }

    /** A batch with its tuples (mined, given, or null for the loss's default) and the shared matrix, if any. */
    public final class MinedBatch {

        private final INDArray embeddings;
        private final int[] labels;
        private final IndexTuples tuples;
        private final PairwiseMatrix matrix;

        private MinedBatch(INDArray embeddings, int[] labels, IndexTuples tuples, PairwiseMatrix matrix) {
            this.embeddings = embeddings;
            this.labels = labels;
            this.tuples = tuples;
            this.matrix = matrix;
        }

        /** @return the tuples the loss is computed on, or null for the loss's default */
        public IndexTuples tuples() {
            return tuples;
        }

        /** @return the loss on the batch, with its gradients */
        public LossResult loss() {
            return matrix == null ? loss.compute(embeddings, labels, tuples)
                    : ((TupleLoss) loss).compute(matrix, labels, tuples);
        }
    }
}
