package org.dml4j.nn;

import org.dml4j.nd.ColumnSums;
import org.dml4j.nd.MatrixProducts;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A fully connected layer {@code y = x Wᵀ + b} (PyTorch's {@code nn.Linear}): {@code weight} is
 * {@code [out, in]}, {@code bias} is {@code [out]}, both initialized by {@link PyTorchInit}.
 */
public final class Dense extends WeightedLayer {

    private INDArray input;

    /**
     * Creates a layer with PyTorch's default initialization.
     *
     * @param inputs   the input width
     * @param outputs  the output width
     * @param rng      the random source for the initialization
     * @param dataType the parameters' type (float32 for training, float64 for gradient checks)
     */
    public Dense(int inputs, int outputs, SplittableRandom rng, DataType dataType) {
        this(PyTorchInit.uniform(weightShape(inputs, outputs), inputs, rng, dataType),
                PyTorchInit.uniform(new long[]{outputs}, inputs, rng, dataType));
    }

    private static long[] weightShape(int inputs, int outputs) {
        if (inputs <= 0 || outputs <= 0) {
            throw new IllegalArgumentException("Dense needs positive inputs and outputs, found " + inputs + " and "
                    + outputs);
        }
        return new long[]{outputs, inputs};
    }

    private Dense(INDArray weight, INDArray bias) {
        super(weight, bias);
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        INDArray weight = weight();
        if (input.rank() != 2 || input.columns() != weight.columns()) {
            throw new IllegalArgumentException("Dense expects [batch, " + weight.columns() + "] input, found "
                    + Arrays.toString(input.shape()));
        }
        this.input = input;
        return MatrixProducts.product(input, weight, false, true).addiRowVector(bias());
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        return backward(gradOutput, true);
    }

    @Override
    public INDArray backward(INDArray gradOutput, boolean inputGradient) {
        INDArray x = ForwardCache.require(input, "Dense");
        setGradients(MatrixProducts.product(gradOutput, x, true, false), ColumnSums.of(gradOutput));
        return inputGradient ? MatrixProducts.product(gradOutput, weight(), false, false) : null;
    }

    @Override
    public Layer copy() {
        return new Dense(weight().dup(), bias().dup());
    }

    @Override
    public String toString() {
        return "Dense(" + weight().columns() + " -> " + weight().rows() + ")";
    }
}
