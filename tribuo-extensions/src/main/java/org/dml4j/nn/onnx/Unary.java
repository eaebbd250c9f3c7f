package org.dml4j.nn.onnx;

import org.apache.commons.math3.special.Erf;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.function.DoubleUnaryOperator;

/**
 * The element-wise ONNX operators: {@code Relu}, {@code Clip} (ReLU6 as exported by PyTorch), {@code Sigmoid},
 * {@code Gelu} (exact, with the error function), {@code Erf} (of the error-function form of GELU that PyTorch
 * exports at opset 13), {@code Sqrt} (of a layer normalization's standard deviation) and {@code Identity}, with their
 * derivatives.
 */
final class Unary implements GraphOp {

    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

    private final String name;
    private final DoubleUnaryOperator function;
    private final DoubleUnaryOperator derivative;
    private double[] input;
    private long[] shape;

    private Unary(String name, DoubleUnaryOperator function, DoubleUnaryOperator derivative) {
        this.name = name;
        this.function = function;
        this.derivative = derivative;
    }

    /** @return {@code max(0, x)} */
    static Unary relu() {
        return new Unary("Relu", x -> Math.max(0, x), x -> x > 0 ? 1 : 0);
    }

    /**
     * @param min the lower bound
     * @param max the upper bound
     * @return {@code min(max(x, min), max)}, whose gradient passes where {@code min <= x <= max} (as PyTorch's)
     */
    static Unary clip(double min, double max) {
        return new Unary("Clip(" + min + ", " + max + ")", x -> Math.min(Math.max(x, min), max),
                x -> x >= min && x <= max ? 1 : 0);
    }

    /** @return the logistic function */
    static Unary sigmoid() {
        return new Unary("Sigmoid", Unary::logistic, x -> logistic(x) * (1 - logistic(x)));
    }

    /** @return {@code x·Φ(x)}, Φ the standard normal distribution function */
    static Unary gelu() {
        return new Unary("Gelu", x -> x * normalCdf(x), x -> normalCdf(x) + x * INV_SQRT_2PI * Math.exp(-x * x / 2));
    }

    /** @return the error function */
    static Unary erf() {
        return new Unary("Erf", Erf::erf, x -> TWO_OVER_SQRT_PI * Math.exp(-x * x));
    }

    /** @return the square root */
    static Unary sqrt() {
        return new Unary("Sqrt", Math::sqrt, x -> 0.5 / Math.sqrt(x));
    }

    /** @return the identity */
    static Unary identity() {
        return new Unary("Identity", x -> x, x -> 1);
    }

    private static double logistic(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static double normalCdf(double x) {
        return 0.5 * (1 + Erf.erf(x * SQRT_HALF));
    }

    @Override
    public INDArray forward(INDArray[] inputs, boolean training) {
        shape = inputs[0].shape();
        input = Host.values(inputs[0]);
        double[] out = new double[input.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = function.applyAsDouble(input[i]);
        }
        return Host.array(out, inputs[0].dataType(), shape);
    }

    @Override
    public INDArray[] backward(INDArray gradOutput, boolean[] wanted) {
        double[] x = ForwardCheck.require(input, name);
        if (!wanted[0]) {
            return new INDArray[1];
        }
        double[] g = Host.values(gradOutput);
        for (int i = 0; i < g.length; i++) {
            g[i] *= derivative.applyAsDouble(x[i]);
        }
        return new INDArray[]{Host.array(g, gradOutput.dataType(), shape)};
    }

    @Override
    public GraphOp copy() {
        return new Unary(name, function, derivative);
    }

    @Override
    public String toString() {
        return name;
    }
}
