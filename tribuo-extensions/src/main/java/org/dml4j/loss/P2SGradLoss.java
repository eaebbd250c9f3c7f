package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.L2Normalization;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.mining.IndexTuples;
import org.dml4j.nd.HostArrays;
import org.dml4j.nd.MatrixProducts;
import org.dml4j.reduce.MeanReducer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * P2SGrad (Zhang et al., "P2SGrad: Refined Gradients for Optimizing Deep Face Models", CVPR 2019), PML's
 * {@code P2SGradLoss}: the mean squared error between the cosines of each embedding to the C class weight vectors
 * and the one-hot label, {@code mean_{i,c} (cos θ_ic - δ_{c,y_i})²} over all B·C entries, whose gradient is the
 * paper's refined gradient.
 * <p>
 * As in PML, the class weights are renormalized to unit length, in place, before every computation, and the cosine is
 * {@code <x_i / ||x_i||, w_c>} clamped to [-1, 1]: the gradient with respect to the weights is that of the
 * renormalized weights as they stand (the renormalization is not part of it). PML renormalizes with
 * {@code renorm(2, 1, 1e-5) · 1e5}, which leaves each weight at length {@code ||w|| / (||w|| + 1e-7)}; DML4J does the
 * same, so its values agree with PML's to rounding. An all-zero embedding has no direction: PML divides by its zero
 * norm (NaN), DML4J's normalization floors the norm at 1e-12 (cosines 0). The loss takes no mined tuples and no
 * reference set, and reduces itself (the reducer stays the mean), as in PML.
 */
public final class P2SGradLoss extends ClassParameterLoss {

    /** PML's maximum norm of the renormalization. */
    private static final double RENORM_MAX = 1e-5;

    /** PML's factor after the renormalization (the inverse of the maximum norm). */
    private static final double RENORM_SCALE = 1e5;

    private P2SGradLoss() {
        super(new CosineSimilarity(), new MeanReducer());
    }

    /**
     * Creates the loss.
     *
     * @param numClasses    the number of classes C (PML's {@code num_classes})
     * @param embeddingSize the embedding dimension d (PML's {@code descriptors_dim})
     */
    public P2SGradLoss(int numClasses, int embeddingSize) {
        this();
        this.numClasses = numClasses;
        this.embeddingSize = embeddingSize;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (!(distance instanceof CosineSimilarity)) {
            throw new PropertyException("", "distance", "P2SGradLoss compares by cosine similarity, found " + distance);
        }
        requireMeanReducer();
        super.postConfig();
    }

    @Override
    public String parameterName() {
        return "classWeights";
    }

    @Override
    public LossResult compute(INDArray embeddings, int[] labels, IndexTuples tuples) {
        if (tuples != null) {
            throw new IllegalArgumentException("P2SGradLoss takes no mined tuples (as in PML): train it without a"
                    + " miner");
        }
        checkClassBatch(embeddings, labels);
        int size = labels.length;
        int dim = embeddingSize;
        double[] weights = renormalize(classVectors());
        L2Normalization norm = L2Normalization.of(HostArrays.doubles(embeddings), size, dim);
        INDArray unit = HostArrays.float64(norm.normalized(), size, dim);
        INDArray weightArray = HostArrays.float64(weights, numClasses, dim);
        double[] cosines = HostArrays.doubles(MatrixProducts.product(unit, weightArray, false, true));
        double scale = 1.0 / cosines.length;
        double value = 0;
        double[] gradient = new double[cosines.length];
        for (int i = 0; i < size; i++) {
            for (int c = 0; c < numClasses; c++) {
                int k = i * numClasses + c;
                double cosine = cosines[k];
                double clamped = Math.max(-1, Math.min(1, cosine));
                double error = clamped - (c == labels[i] ? 1 : 0);
                value += error * error * scale;
                // PyTorch's clamp passes the gradient on its bounds too
                gradient[k] = cosine == clamped ? 2 * error * scale : 0;
            }
        }
        INDArray g = HostArrays.float64(gradient, size, numClasses);
        double[] dUnit = HostArrays.doubles(MatrixProducts.product(g, weightArray, false, false));
        INDArray dWeights = MatrixProducts.product(g, unit, true, false);
        return new LossResult(value, HostArrays.create(norm.backward(dUnit), embeddings.dataType(), size, dim),
                Map.of(parameterName(), dWeights.castTo(classVectors().dataType())));
    }

    /**
     * PML's {@code w.renorm(2, 1, 1e-5).mul(1e5)} of each weight vector, written back into the live class vectors.
     *
     * @return the renormalized vectors, row-major float64
     */
    private double[] renormalize(INDArray vectors) {
        double[] w = HostArrays.doubles(vectors);
        int dim = embeddingSize;
        for (int c = 0; c < numClasses; c++) {
            double squares = 0;
            for (int k = 0; k < dim; k++) {
                squares += w[c * dim + k] * w[c * dim + k];
            }
            double length = Math.sqrt(squares);
            double factor = length > RENORM_MAX ? RENORM_MAX / (length + 1e-7) : 1;
            for (int k = 0; k < dim; k++) {
                w[c * dim + k] = w[c * dim + k] * factor * RENORM_SCALE;
            }
        }
        INDArray renormalized = HostArrays.create(w, vectors.dataType(), numClasses, dim);
        vectors.assign(renormalized);
        return HostArrays.doubles(renormalized);
    }

    /** Not used: the loss computes its cosines itself (see {@link #compute(INDArray, int[], IndexTuples)}). */
    @Override
    protected double compute(PairwiseMatrix matrix, int[] labels, double[] minerWeights, double[] gradient) {
        throw new UnsupportedOperationException("P2SGradLoss computes its own cosines");
    }

    @Override
    public String toString() {
        return "P2SGradLoss(numClasses=" + numClasses + ", embeddingSize=" + embeddingSize + ")";
    }
}
