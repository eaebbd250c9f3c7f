package org.dml4j.nn.onnx;

import org.dml4j.nd.MatrixProducts;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ONNX {@code Gemm} ({@code Y = A·B + C} or {@code A·Bᵀ + C}, as PyTorch exports {@code nn.Linear}) and
 * {@code MatMul} by a weight initializer, over {@code [batch, features]} values, or for {@code MatMul} over the last
 * axis of a value of higher rank (the tokens of an attention block). The weight keeps the ONNX layout
 * ({@code [in, out]}, or {@code [out, in]} when transposed) and name; the bias {@code C} is optional.
 */
final class Linear implements GraphOp {

    private final INDArray weight;
    private final String weightName;
    private final boolean transposed;
    private final INDArray bias;
    private final String biasName;
    private INDArray input;
    private long[] inputShape;
    private Map<String, INDArray> gradients = Map.of();

    /**
     * @param weight     the weight, live
     * @param weightName its ONNX name
     * @param transposed whether the weight is {@code [out, in]} (Gemm's {@code transB = 1})
     * @param bias       the bias, live, broadcast over the rows ({@code [out]} or {@code [1, out]}), or null
     * @param biasName   its ONNX name, or null
     */
    Linear(INDArray weight, String weightName, boolean transposed, INDArray bias, String biasName) {
        this.weight = weight;
        this.weightName = weightName;
        this.transposed = transposed;
        this.bias = bias;
        this.biasName = biasName;
    }

    private INDArray matrix() {
        return transposed ? weight.transpose() : weight;
    }

    @Override
    public INDArray forward(INDArray[] inputs, boolean training) {
        INDArray x = Layouts.toOnnx(inputs[0]);
        INDArray w = matrix();
        if (x.rank() < 2 || x.size(-1) != w.rows()) {
            throw new IllegalArgumentException("a linear layer of " + w.rows() + " inputs expects [..., "
                    + w.rows() + "] values, found " + Arrays.toString(x.shape()));
        }
        inputShape = x.shape();
        input = x.reshape('c', -1, w.rows());
        INDArray out = MatrixProducts.product(input, w, false, false);
        if (bias != null) {
            out.addiRowVector(bias.reshape(1, bias.length()));
        }
        long[] shape = inputShape.clone();
        shape[shape.length - 1] = w.columns();
        return Layouts.fromOnnx(out.reshape('c', shape));
    }

    @Override
    public INDArray[] backward(INDArray gradOutput, boolean[] wanted) {
        INDArray x = ForwardCheck.require(input, "Gemm");
        INDArray g = Layouts.toOnnx(gradOutput).reshape('c', x.rows(), -1);
        Map<String, INDArray> grads = new LinkedHashMap<>();
        grads.put(weightName, transposed ? MatrixProducts.product(g, x, true, false) : MatrixProducts.product(x, g, true, false));
        if (bias != null) {
            grads.put(biasName, g.sum(0).reshape(bias.shape()).dup('c'));
        }
        gradients = grads;
        return new INDArray[]{wanted[0] ? Layouts.fromOnnx(MatrixProducts.product(g, matrix(), false, true).reshape('c', inputShape))
                : null};
    }

    @Override
    public Map<String, INDArray> parameters() {
        return GraphOp.weightAndBias(weightName, weight, biasName, bias);
    }

    @Override
    public Map<String, INDArray> gradients() {
        return gradients;
    }

    @Override
    public GraphOp copy() {
        return new Linear(weight.dup(), weightName, transposed, bias == null ? null : bias.dup(), biasName);
    }

    @Override
    public String toString() {
        INDArray w = matrix();
        return "Linear(" + w.rows() + " -> " + w.columns() + ")";
    }
}
