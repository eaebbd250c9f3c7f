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
 * vectors. The class vectors are a C × d matrix, one row per class, initialized from a standard normal with the
 * configured seed (every distance used here normalizes them, so their scale does not matter).
 */
public abstract class ClassParameterLoss extends AbstractMetricLoss implements Cloneable {

    /** The number of classes C. */
    @Config(mandatory = true, description = "The number of classes C (labels must be in [0, C)).")
    protected int numClasses;

    /** The embedding dimension d. */
    @Config(mandatory = true, description = "The embedding dimension d.")
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
        if (numClasses < 1) {
            throw new PropertyException("", "numClasses", "numClasses must be >= 1, found " + numClasses);
        }
        if (embeddingSize < 1) {
            throw new PropertyException("", "embeddingSize", "embeddingSize must be >= 1, found " + embeddingSize);
        }
        classVectors = initialVectors(seed);
    }

    private INDArray initialVectors(long fromSeed) {
        return Nd4j.randn(fromSeed, new long[]{numClasses, embeddingSize}).castTo(DataType.FLOAT);
    }

    /** @return the name of the class vectors in {@link #parameters()} */
    public abstract String parameterName();

    /** @return the live C × d class vectors */
    public INDArray classVectors() {
        return classVectors;
    }

    /**
     * Replaces the class vectors (e.g. to load trained ones).
     *
     * @param vectors a C × d matrix
     */
    public void setClassVectors(INDArray vectors) {
        if (vectors.rank() != 2 || vectors.rows() != numClasses || vectors.columns() != embeddingSize) {
            throw new IllegalArgumentException("class vectors must be " + numClasses + " x " + embeddingSize
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
        try {
            ClassParameterLoss copy = (ClassParameterLoss) clone();
            copy.seed = newSeed;
            copy.classVectors = initialVectors(newSeed);
            return copy;
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public final LossResult compute(INDArray embeddings, int[] labels, IndexTuples tuples) {
        checkBatch(embeddings, labels);
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
        PairwiseMatrix matrix = distance.pairwise(embeddings, classVectors.castTo(embeddings.dataType()));
        double[] gradient = matrix.newGradient();
        double value = compute(matrix, labels, MinerWeights.of(tuples, labels.length), gradient);
        EmbeddingGradients grads = matrix.backward(gradient);
        return new LossResult(value, grads.queries(), Map.of(parameterName(), grads.references()));
    }

    /**
     * Computes the loss from the B × C matrix between the batch and the class vectors.
     *
     * @param matrix       the B × C matrix
     * @param labels       the B labels
     * @param minerWeights the weight of each example from mined tuples (all 1 without a miner)
     * @param gradient     output: dL/dM, row-major B × C
     * @return the loss value
     */
    protected abstract double compute(PairwiseMatrix matrix, int[] labels, double[] minerWeights, double[] gradient);
}
