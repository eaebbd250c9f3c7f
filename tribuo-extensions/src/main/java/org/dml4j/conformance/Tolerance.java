package org.dml4j.conformance;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * The tolerances of the golden schema: for float64, loss {@code |got-exp| <= 1e-9 + 1e-7|exp|} and gradient arrays
 * {@code max|got-exp| <= 1e-10 + 1e-6 max|exp|}; for float32, 1e-4 relative (with absolute floors of 1e-6 for the
 * loss and 1e-7 for gradients, where the expected value is 0).
 *
 * @param lossAbsolute     the loss's absolute tolerance
 * @param lossRelative     the loss's relative tolerance
 * @param gradientAbsolute the gradients' absolute tolerance
 * @param gradientRelative the gradients' tolerance relative to the largest expected entry
 */
public record Tolerance(double lossAbsolute, double lossRelative, double gradientAbsolute, double gradientRelative) {

    /**
     * The schema's tolerance for a precision.
     *
     * @param precision FLOAT or DOUBLE
     * @return the tolerance
     */
    public static Tolerance forPrecision(DataType precision) {
        return precision == DataType.DOUBLE ? new Tolerance(1e-9, 1e-7, 1e-10, 1e-6)
                : new Tolerance(1e-6, 1e-4, 1e-7, 1e-4);
    }

    /**
     * The loss error as a fraction of its tolerance.
     *
     * @param got      the computed loss
     * @param expected the reference loss
     * @return the ratio (≤ 1 passes)
     */
    public double lossRatio(double got, double expected) {
        return Math.abs(got - expected) / (lossAbsolute + lossRelative * Math.abs(expected));
    }

    /**
     * A gradient array's worst error as a fraction of its tolerance.
     *
     * @param got      the computed gradient, row-major
     * @param expected the reference gradient, row-major
     * @return the ratio (≤ 1 passes)
     * @throws IllegalArgumentException when the arrays differ in length
     */
    public double gradientRatio(double[] got, double[] expected) {
        if (got.length != expected.length) {
            throw new IllegalArgumentException("the gradient has " + got.length + " values, the reference "
                    + expected.length);
        }
        double maxExpected = 0;
        double maxError = 0;
        for (int i = 0; i < expected.length; i++) {
            maxExpected = Math.max(maxExpected, Math.abs(expected[i]));
            maxError = Math.max(maxError, Math.abs(got[i] - expected[i]));
        }
        return maxError / (gradientAbsolute + gradientRelative * maxExpected);
    }
}
