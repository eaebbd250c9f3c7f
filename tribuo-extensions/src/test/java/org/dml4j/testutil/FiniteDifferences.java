package org.dml4j.testutil;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;
import java.util.function.ToDoubleFunction;

/** Central finite differences of a scalar function of a float64 matrix, and random test inputs. */
public final class FiniteDifferences {

    private FiniteDifferences() {
    }

    /**
     * The largest difference between an analytic gradient and central differences, relative to the largest
     * gradient entry (plus a small floor).
     *
     * @param f        the function
     * @param x        the point (float64; restored after each probe)
     * @param analytic the analytic gradient at x
     * @return max |analytic - numeric| / (1e-8 + max |numeric|)
     */
    public static double relativeError(ToDoubleFunction<INDArray> f, INDArray x, INDArray analytic) {
        double h = 1e-6;
        double maxDiff = 0;
        double maxGrad = 0;
        for (long i = 0; i < x.length(); i++) {
            double original = x.getDouble(i);
            x.putScalar(i, original + h);
            double plus = f.applyAsDouble(x);
            x.putScalar(i, original - h);
            double minus = f.applyAsDouble(x);
            x.putScalar(i, original);
            double numeric = (plus - minus) / (2 * h);
            maxGrad = Math.max(maxGrad, Math.abs(numeric));
            maxDiff = Math.max(maxDiff, Math.abs(numeric - analytic.getDouble(i)));
        }
        return maxDiff / (1e-8 + maxGrad);
    }

    /**
     * Gaussian rows around one random centre per label, float64.
     *
     * @param labels the labels
     * @param dim    the dimension
     * @param seed   the seed
     * @return the embeddings
     */
    public static INDArray clustered(int[] labels, int dim, long seed) {
        Random rng = new Random(seed);
        int classes = 0;
        for (int label : labels) {
            classes = Math.max(classes, label + 1);
        }
        double[][] centres = new double[classes][dim];
        for (double[] centre : centres) {
            for (int k = 0; k < dim; k++) {
                centre[k] = rng.nextGaussian();
            }
        }
        double[][] rows = new double[labels.length][dim];
        for (int i = 0; i < labels.length; i++) {
            for (int k = 0; k < dim; k++) {
                rows[i][k] = centres[labels[i]][k] + 0.8 * rng.nextGaussian();
            }
        }
        return Nd4j.create(rows).castTo(DataType.DOUBLE);
    }
}
