package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.Distance;
import org.dml4j.distance.EmbeddingGradients;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.mining.IndexTuples;
import org.dml4j.reduce.Reducer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

/**
 * The skeleton of the losses with one trainable vector per class (proxies, class weights): the matrix between the
 * batch and the C class vectors, a per-example formula on it, and gradients for both the embeddings and the class
 * vectors. The class vectors are a (C·K) × d matrix, K rows per class ({@link #vectorsPerClass()}, 1 but for
 * sub-center losses; class c owns rows {@code c·K .. c·K+K-1}), initialized from a standard normal with the
 * configured seed.
 */
public abstract class ClassParameterLoss extends AbstractMetricLoss implements Cloneable {

    /** The number of classes C; 0 until taken from the training data. */
    @Config(description = "The number of classes C (labels must be in [0, C); 0 or unset: the number of classes of "
            + "the training data).")
    protected int numClasses;

    /** The embedding dimension d; 0 until taken from the network. */
    @Config(description = "The embedding dimension d (0 or unset: the network's embedding size).")
    protected int embeddingSize;

    /** The seed of the class vectors' initialization. */
    @Config(description = "The seed of the class vectors' initialization.")
    protected long seed = 12345L;

    private INDArray classVectors;

    /**
     * @param distance the default distance
     * @param reducer  the default reducer
     */
    protected ClassParameterLoss(Distance distance, Reducer reducer) {
        super(distance, reducer);
    }

    @Override
    public void postConfig() {
        if (numClasses < 0) {
            throw new PropertyException("", "numClasses", "numClasses must be >= 1 (or 0: from the training data), "
                    + "found " + numClasses);
        }
        if (embeddingSize < 0) {
            throw new PropertyException("", "embeddingSize", "embeddingSize must be >= 1 (or 0: the network's), "
                    + "found " + embeddingSize);
        }
        classVectors = isSized() ? initialVectors(seed) : null;
    }

    private boolean isSized() {
        return numClasses > 0 && embeddingSize > 0;
    }

    /** @return the number of classes C, 0 when it is taken from the training data */
    public int numClasses() {
        return numClasses;
    }

    /** @return the embedding dimension d, 0 when it is taken from the network */
    public int embeddingSize() {
        return embeddingSize;
    }

    /**
     * The number K of class vectors per class: 1, or the sub-centers of a sub-center loss.
     *
     * @return K
     */
    public int vectorsPerClass() {
        return 1;
    }

    private int numVectors() {
        return numClasses * vectorsPerClass();
    }

    private INDArray initialVectors(long fromSeed) {
        return Nd4j.randn(fromSeed, new long[]{numVectors(), embeddingSize}).castTo(DataType.FLOAT);
    }

    /** @return the name of the class vectors in {@link #parameters()} */
    public abstract String parameterName();

    /** @return the live (C·K) × d class vectors (null while the sizes are unset) */
    public INDArray classVectors() {
        return classVectors;
    }

    /**
     * Replaces the class vectors (e.g. to load trained ones).
     *
     * @param vectors a (C·K) × d matrix
     */
    public void setClassVectors(INDArray vectors) {
        if (vectors.rank() != 2 || vectors.rows() != numVectors() || vectors.columns() != embeddingSize) {
            throw new IllegalArgumentException("class vectors must be " + numVectors() + " x " + embeddingSize
                    + ", found " + java.util.Arrays.toString(vectors.shape()));
        }
        this.classVectors = vectors;
    }

    @Override
    public Map<String, INDArray> parameters() {
        return Map.of(parameterName(), classVectors);
    }

    @Override
    public ClassParameterLoss forTraining(long newSeed) {
        return forTraining(newSeed, numClasses, embeddingSize);
    }

    /**
     * {@inheritDoc} Unset sizes (0) are taken from the data and the network; set ones are checked against them.
     *
     * @throws IllegalArgumentException if {@code numClasses} is below the data's classes or {@code embeddingSize}
     *                                  differs from the network's
     */
    @Override
    public ClassParameterLoss forTraining(long newSeed, int dataClasses, int networkEmbeddingSize) {
        if (numClasses > 0 && numClasses < dataClasses) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " has numClasses " + numClasses
                    + " but the training data has " + dataClasses + " classes: set numClasses to " + dataClasses
                    + " or leave it unset (0) to take it from the data");
        }
        if (embeddingSize > 0 && embeddingSize != networkEmbeddingSize) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " has embeddingSize " + embeddingSize
                    + " but the network outputs " + networkEmbeddingSize + ": set embeddingSize to "
                    + networkEmbeddingSize + " or leave it unset (0) to take the network's");
        }
        try {
            ClassParameterLoss copy = (ClassParameterLoss) clone();
            copy.seed = newSeed;
            copy.numClasses = numClasses > 0 ? numClasses : dataClasses;
            copy.embeddingSize = networkEmbeddingSize;
            copy.classVectors = copy.initialVectors(newSeed);
            return copy;
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public LossResult compute(INDArray embeddings, int[] labels, IndexTuples tuples) {
        checkClassBatch(embeddings, labels);
        INDArray vectors = classVectors.castTo(embeddings.dataType());
        PairwiseMatrix matrix = distance.pairwise(embeddings, vectors);
        double[] gradient = matrix.newGradient();
        InputNorms norms = new InputNorms(embeddings, vectors);
        double value = compute(matrix, norms, labels, MinerWeights.of(tuples, labels.length), gradient);
        EmbeddingGradients grads = norms.backward(matrix.backward(gradient));
        return new LossResult(value, grads.queries(), Map.of(parameterName(), grads.references()));
    }

    /**
     * Rejects a batch that does not fit the class vectors: a label outside {@code [0, C)}, another embedding
     * dimension, or class vectors not sized yet.
     *
     * @param embeddings the batch
     * @param labels     its labels
     */
    protected final void checkClassBatch(INDArray embeddings, int[] labels) {
        checkBatch(embeddings, labels);
        if (!isSized()) {
            throw new IllegalStateException(getClass().getSimpleName() + " has no class vectors yet: set numClasses "
                    + "and embeddingSize, or train it with MetricLearningTrainer, which takes them from the data");
        }
        if (embeddings.columns() != embeddingSize) {
            throw new IllegalArgumentException("embeddings have " + embeddings.columns() + " dimensions but the "
                    + getClass().getSimpleName() + " was configured with embeddingSize=" + embeddingSize);
        }
        for (int label : labels) {
            if (label >= numClasses) {
                throw new IllegalArgumentException("label " + label + " is outside [0, " + numClasses
                        + "); set numClasses to the number of classes");
            }
        }
    }

    /**
     * Computes the loss from the matrix and, for the losses whose logits also scale with the raw norms of the
     * embeddings or class vectors (L-Softmax, SphereFace), from those norms, adding dL/d(norm) to {@code norms}. By
     * default the norms are not used: {@link #compute(PairwiseMatrix, int[], double[], double[])}.
     */
    double compute(PairwiseMatrix matrix, InputNorms norms, int[] labels, double[] minerWeights,
                   double[] gradient) {
        return compute(matrix, labels, minerWeights, gradient);
    }

    /**
     * Computes the loss from the B × (C·K) matrix between the batch and the class vectors.
     *
     * @param matrix       the B × (C·K) matrix
     * @param labels       the B labels
     * @param minerWeights the weight of each example from mined tuples (all 1 without a miner)
     * @param gradient     output: dL/dM, row-major B × (C·K)
     * @return the loss value
     */
    protected abstract double compute(PairwiseMatrix matrix, int[] labels, double[] minerWeights, double[] gradient);
}
