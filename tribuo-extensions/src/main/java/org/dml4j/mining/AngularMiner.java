package org.dml4j.mining;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.LpDistance;
import org.dml4j.nd.HostArrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The triplets whose angle at the negative exceeds a threshold (PML's {@code AngularMiner}, after the angular loss
 * of Wang et al. 2017): for every triplet {@code (a, p, n)}, with {@code c = (x_a + x_p) / 2} the centre of anchor
 * and positive, the angle is {@code atan(||x_a - x_p|| / (2 ||x_n - c||))}, and the triplet is kept when it is
 * larger than {@code angle} degrees. As PML: the distances are PyTorch's {@code pairwise_distance}
 * ({@code ||x - y + 1e-6||}) on the embeddings as given (PML's {@code LpDistance.pairwise_distance} does not
 * normalize, although the miner requires a normalizing distance), and triplets are enumerated in the order of all
 * triplets.
 */
public final class AngularMiner extends AbstractMiner {

    /** PML's default threshold in degrees. */
    public static final double DEFAULT_ANGLE = 20;

    /** The {@code eps} PyTorch's {@code pairwise_distance} adds to every difference. */
    private static final double PAIRWISE_EPS = 1e-6;

    @Config(description = "The angle threshold in degrees: triplets with a larger angle are kept (PML default "
            + DEFAULT_ANGLE + ").")
    private double angle = DEFAULT_ANGLE;

    /** Creates the miner with PML's default threshold ({@value #DEFAULT_ANGLE} degrees). */
    public AngularMiner() {
    }

    /**
     * Creates the miner.
     *
     * @param angle the threshold in degrees
     */
    public AngularMiner(double angle) {
        this.angle = angle;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (!Double.isFinite(angle)) {
            throw new PropertyException("", "angle", "angle must be a finite number of degrees, found " + angle);
        }
        if (!(distance instanceof LpDistance lp) || lp.power() != 1 || !lp.normalizesEmbeddings()) {
            throw new PropertyException("", "distance", "AngularMiner needs the Euclidean distance on normalized "
                    + "embeddings (LpDistance, power 1, normalizeEmbeddings true), as PML; found " + distance);
        }
    }

    @Override
    public TripletTuples mine(INDArray embeddings, int[] labels) {
        if (embeddings.rows() != labels.length) {
            throw new IllegalArgumentException("the batch has " + embeddings.rows() + " embeddings but "
                    + labels.length + " labels");
        }
        return mine(embeddings, labels, embeddings, labels, true);
    }

    @Override
    public boolean acceptsReferences() {
        return true;
    }

    @Override
    public TripletTuples mine(INDArray queries, int[] queryLabels, INDArray references, int[] referenceLabels) {
        if (queries.rows() != queryLabels.length || references.rows() != referenceLabels.length) {
            throw new IllegalArgumentException("found " + queries.rows() + " query rows for " + queryLabels.length
                    + " labels and " + references.rows() + " reference rows for " + referenceLabels.length);
        }
        return mine(queries, queryLabels, references, referenceLabels, false);
    }

    private TripletTuples mine(INDArray queries, int[] queryLabels, INDArray references, int[] referenceLabels,
                               boolean self) {
        if (queries.columns() != references.columns()) {
            throw new IllegalArgumentException("queries have " + queries.columns() + " dimensions but references "
                    + references.columns());
        }
        int dim = queries.columns();
        double[] q = HostArrays.doubles(queries);
        double[] r = self ? q : HostArrays.doubles(references);
        double threshold = Math.toRadians(angle);
        double[] centre = new double[dim];
        return TripletTuples.where(queryLabels, referenceLabels, self, new TripletTuples.Condition() {
            private int lastAnchor = -1;
            private int lastPositive = -1;
            private double anchorPositive;

            @Override
            public boolean test(int a, int p, int n) {
                if (a != lastAnchor || p != lastPositive) {
                    lastAnchor = a;
                    lastPositive = p;
                    anchorPositive = pairwiseDistance(q, a, r, p, dim);
                    for (int k = 0; k < dim; k++) {
                        centre[k] = (q[a * dim + k] + r[p * dim + k]) / 2;
                    }
                }
                return Math.atan(anchorPositive / (2 * pairwiseDistance(r, n, centre, 0, dim))) > threshold;
            }
        });
    }

    /** PyTorch's {@code pairwise_distance(x, y)} = {@code ||x - y + 1e-6||} between row i of x and row j of y. */
    private static double pairwiseDistance(double[] x, int i, double[] y, int j, int dim) {
        double s = 0;
        for (int k = 0; k < dim; k++) {
            double d = x[i * dim + k] - y[j * dim + k] + PAIRWISE_EPS;
            s += d * d;
        }
        return Math.sqrt(s);
    }

    @Override
    public String toString() {
        return "AngularMiner(angle=" + angle + ", distance=" + distance + ")";
    }
}
