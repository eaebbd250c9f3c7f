package org.dml4j.mining;

import com.oracle.labs.mlrg.olcut.config.Config;
import org.dml4j.distance.Distance;
import org.dml4j.distance.PairwiseMatrix;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Quadruplets for the quadruplet loss (Chen et al. 2017): the triplets of a triplet miner (batch-hard by default),
 * each completed with the hardest second negative {@code k} — the sample closest to the negative among those whose
 * label differs from both the anchor's and the negative's — so the second term works on the hardest negative pair
 * that shares no sample and no label with the anchor.
 */
public final class QuadrupletMiner extends AbstractMiner {

    @Config(description = "The miner that chooses the triplets to complete.")
    private Miner tripletMiner = new BatchHardMiner();

    /** Creates the miner over batch-hard triplets with Euclidean distance on normalized embeddings. */
    public QuadrupletMiner() {
    }

    /**
     * Creates the miner.
     *
     * @param tripletMiner the miner of the triplets (its tuples are converted to triplets)
     * @param distance     the distance that ranks the second negatives
     */
    public QuadrupletMiner(Miner tripletMiner, Distance distance) {
        this.tripletMiner = tripletMiner;
        this.distance = distance;
    }

    @Override
    public QuadrupletTuples mine(INDArray embeddings, int[] labels) {
        PairwiseMatrix m = matrix(embeddings, labels);
        TripletTuples triplets = TripletTuples.from(tripletMiner.mine(embeddings, labels), labels);
        return complete(triplets, labels, m);
    }

    /**
     * Completes triplets into quadruplets with their hardest second negatives on a given matrix.
     *
     * @param triplets the triplets
     * @param labels   the batch labels
     * @param matrix   the batch's pairwise matrix
     * @return the quadruplets (triplets without a valid second negative are dropped)
     */
    public static QuadrupletTuples complete(TripletTuples triplets, int[] labels, PairwiseMatrix matrix) {
        return SecondNegatives.complete(triplets, labels, matrix);
    }

    @Override
    public String toString() {
        return "QuadrupletMiner(tripletMiner=" + tripletMiner + ", distance=" + distance + ")";
    }
}
