package org.dml4j.mining;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.PairwiseMatrix;

import java.util.SplittableRandom;

/**
 * Distance-weighted sampling (Wu et al. 2017, "Sampling matters"), PML's {@code DistanceWeightedMiner}: negatives
 * are drawn with probability proportional to the inverse of the density of distances between points on the unit
 * sphere in d dimensions, {@code q(D) ∝ D^{2-d} (1 - D²/4)^{(3-d)/2}} with {@code D} clamped below at
 * {@code cutoff}, and never beyond {@code nonzeroLossCutoff} (they would give no loss). As PML, each anchor gets as
 * many triplets as its class has members, each with a uniformly drawn positive and a weighted negative. Needs
 * Euclidean distance on normalized embeddings (the default). Seeded: the same seed and calls give the same tuples.
 */
public final class DistanceWeightedMiner extends AbstractMatrixMiner<TripletTuples> {

    /** PML's default distance cutoff. */
    public static final double DEFAULT_CUTOFF = 0.5;

    @Config(description = "Distances below this are clamped up to it (PML default " + DEFAULT_CUTOFF + ").")
    private double cutoff = DEFAULT_CUTOFF;

    /** PML's default non-zero-loss cutoff. */
    public static final double DEFAULT_NONZERO_LOSS_CUTOFF = 1.4;

    @Config(description = "Negatives at or beyond this distance are never sampled (PML default "
            + DEFAULT_NONZERO_LOSS_CUTOFF + ").")
    private double nonzeroLossCutoff = DEFAULT_NONZERO_LOSS_CUTOFF;

    @Config(description = "The seed of the sampling.")
    private long seed = 12345L;

    private SplittableRandom rng;

    /** Creates the miner with PML's defaults. */
    public DistanceWeightedMiner() {
        postConfig();
    }

    /**
     * Creates the miner.
     *
     * @param cutoff            the lower clamp of distances
     * @param nonzeroLossCutoff the distance at and beyond which negatives are never drawn
     * @param seed              the sampling seed
     */
    public DistanceWeightedMiner(double cutoff, double nonzeroLossCutoff, long seed) {
        this.cutoff = cutoff;
        this.nonzeroLossCutoff = nonzeroLossCutoff;
        this.seed = seed;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (!(cutoff > 0) || !(nonzeroLossCutoff > cutoff)) {
            throw new PropertyException("", "cutoff", "need 0 < cutoff < nonzeroLossCutoff, found cutoff=" + cutoff
                    + ", nonzeroLossCutoff=" + nonzeroLossCutoff);
        }
        if (distance.isInverted() || !distance.normalizesEmbeddings()) {
            throw new PropertyException("", "distance", "distance-weighted sampling needs Euclidean distance on "
                    + "normalized embeddings (LpDistance), found " + distance);
        }
        rng = new SplittableRandom(seed);
    }

    /**
     * The sampling probability of each negative of each anchor.
     *
     * @param m               the B × N Euclidean distances of normalized embeddings
     * @param queryLabels     the labels of the rows
     * @param referenceLabels the labels of the columns
     * @param dimension       the embedding dimension d
     * @return row-major B × N probabilities (each row sums to 1, or is all 0 when no negative can be drawn)
     */
    double[] negativeProbabilities(PairwiseMatrix m, int[] queryLabels, int[] referenceLabels, int dimension) {
        int size = queryLabels.length;
        int cols = referenceLabels.length;
        double[] weights = new double[size * cols];
        for (int i = 0; i < size; i++) {
            double max = Double.NEGATIVE_INFINITY;
            double[] logWeights = new double[cols];
            for (int j = 0; j < cols; j++) {
                double d = Math.max(m.get(i, j), cutoff);
                logWeights[j] = (2.0 - dimension) * Math.log(d) - ((dimension - 3) / 2.0) * Math.log(1 - 0.25 * d * d);
                if (drawable(m.get(i, j), queryLabels[i], referenceLabels[j], logWeights[j])) {
                    max = Math.max(max, logWeights[j]);
                }
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                if (drawable(m.get(i, j), queryLabels[i], referenceLabels[j], logWeights[j])) {
                    weights[i * cols + j] = Math.exp(logWeights[j] - max);
                    sum += weights[i * cols + j];
                }
            }
            for (int j = 0; j < cols && sum > 0; j++) {
                weights[i * cols + j] /= sum;
            }
        }
        return weights;
    }

    private boolean drawable(double distanceValue, int anchorLabel, int label, double logWeight) {
        return label != anchorLabel && distanceValue < nonzeroLossCutoff && Double.isFinite(logWeight);
    }

    @Override
    protected synchronized TripletTuples fromMatrix(PairwiseMatrix m, int[] queryLabels, int[] referenceLabels) {
        int cols = referenceLabels.length;
        double[] probabilities = negativeProbabilities(m, queryLabels, referenceLabels, m.dimension());
        IntList a = new IntList();
        IntList p = new IntList();
        IntList n = new IntList();
        for (int i = 0; i < queryLabels.length; i++) {
            int[] positives = positivesOf(i, queryLabels[i], referenceLabels, m.isSelf());
            if (positives.length == 0 || !hasMass(probabilities, i, cols)) {
                continue;
            }
            // As PML: as many triplets per anchor as its class has members among the references (the anchor
            // included in a batch against itself).
            int count = m.isSelf() ? positives.length + 1 : positives.length;
            for (int t = 0; t < count; t++) {
                a.add(i);
                p.add(positives[rng.nextInt(positives.length)]);
                n.add(draw(probabilities, i, cols));
            }
        }
        return new TripletTuples(a.toArray(), p.toArray(), n.toArray());
    }

    private static int[] positivesOf(int anchor, int label, int[] referenceLabels, boolean self) {
        IntList out = new IntList();
        for (int j = 0; j < referenceLabels.length; j++) {
            if (!(self && j == anchor) && referenceLabels[j] == label) {
                out.add(j);
            }
        }
        return out.toArray();
    }

    private static boolean hasMass(double[] probabilities, int row, int size) {
        for (int j = 0; j < size; j++) {
            if (probabilities[row * size + j] > 0) {
                return true;
            }
        }
        return false;
    }

    private int draw(double[] probabilities, int row, int size) {
        double u = rng.nextDouble();
        int last = 0;
        for (int j = 0; j < size; j++) {
            double q = probabilities[row * size + j];
            if (q > 0) {
                last = j;
                u -= q;
                if (u < 0) {
                    return j;
                }
            }
        }
        return last;
    }

    @Override
    public String toString() {
        return "DistanceWeightedMiner(cutoff=" + cutoff + ", nonzeroLossCutoff=" + nonzeroLossCutoff + ", seed="
                + seed + ")";
    }
}
