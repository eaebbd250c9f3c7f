package org.dml4j.nn;

import org.dml4j.nd.ColumnSums;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Batch normalization over the rows of a {@code [batch, features]} matrix, as PyTorch's {@code nn.BatchNorm1d}
 * (Ioffe and Szegedy, 2015): while training it normalizes with the batch mean and biased variance and updates
 * {@code running_mean} and {@code running_var} (unbiased variance) with {@code momentum} 0.1; at inference it uses the
 * running averages. {@code weight} (gamma) starts at 1 and {@code bias} (beta) at 0; {@code eps} is 1e-5.
 */
public final class BatchNorm1d extends WeightedLayer {

    /** PyTorch's default {@code eps}. */
    public static final double EPSILON = 1e-5;
    /** PyTorch's default {@code momentum}. */
    public static final double MOMENTUM = 0.1;

    private final INDArray runningMean;
    private final INDArray runningVar;
    private INDArray normalized;
    private INDArray inverseStd;
    private boolean batchStatistics;

    /**
     * Creates a batch normalization layer.
     *
     * @param features the number of features (columns)
     * @param dataType the parameters' type
     */
    public BatchNorm1d(int features, DataType dataType) {
        this(Nd4j.ones(dataType, features), Nd4j.zeros(dataType, features), Nd4j.zeros(dataType, features),
                Nd4j.ones(dataType, features));
    }

    private BatchNorm1d(INDArray gamma, INDArray beta, INDArray runningMean, INDArray runningVar) {
        super(gamma, beta);
        this.runningMean = runningMean;
        this.runningVar = runningVar;
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        INDArray gamma = weight();
        if (input.rank() != 2 || input.columns() != gamma.length()) {
            throw new IllegalArgumentException("BatchNorm1d expects [batch, " + gamma.length()
                    + "] input, found shape " + Arrays.toString(input.shape()));
        }
        batchStatistics = training;
        INDArray mean;
        INDArray variance;
        if (training) {
            long n = input.rows();
            if (n < 2) {
                throw new IllegalArgumentException("BatchNorm1d needs more than one value per feature in training, "
                        + "found a batch of " + n);
            }
            mean = input.mean(0);
            variance = input.var(false, 0);
            runningMean.muli(1 - MOMENTUM).addi(mean.mul(MOMENTUM));
            runningVar.muli(1 - MOMENTUM).addi(variance.mul(MOMENTUM * n / (n - 1.0)));
        } else {
            mean = runningMean;
            variance = runningVar;
        }
        inverseStd = Transforms.pow(variance.add(EPSILON), -0.5, false);
        normalized = input.subRowVector(mean).muliRowVector(inverseStd);
        return normalized.mulRowVector(gamma).addiRowVector(bias());
    }

    /**
     * With batch statistics: {@code dx = invstd/N (N ĝ - Σĝ - x̂ Σ(ĝ x̂))} where {@code ĝ = g γ}; with running
     * statistics the normalization is affine, so {@code dx = ĝ invstd}.
     */
    @Override
    public INDArray backward(INDArray gradOutput) {
        INDArray xHat = ForwardCache.require(normalized, "BatchNorm1d");
        setGradients(ColumnSums.of(gradOutput.mul(xHat)), ColumnSums.of(gradOutput));
        INDArray gHat = gradOutput.mulRowVector(weight());
        if (!batchStatistics) {
            return gHat.muliRowVector(inverseStd);
        }
        long n = gradOutput.rows();
        INDArray sumG = ColumnSums.of(gHat);
        INDArray sumGx = ColumnSums.of(gHat.mul(xHat));
        return gHat.muli(n).subiRowVector(sumG).subi(xHat.mulRowVector(sumGx)).muliRowVector(inverseStd.div(n));
    }

    @Override
    public Map<String, INDArray> buffers() {
        Map<String, INDArray> b = new LinkedHashMap<>();
        b.put("running_mean", runningMean);
        b.put("running_var", runningVar);
        return b;
    }

    @Override
    public Layer copy() {
        return new BatchNorm1d(weight().dup(), bias().dup(), runningMean.dup(), runningVar.dup());
    }

    @Override
    public String toString() {
        return "BatchNorm1d(" + weight().length() + ")";
    }
}
