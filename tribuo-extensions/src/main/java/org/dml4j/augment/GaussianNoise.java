package org.dml4j.augment;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Adds independent zero-mean Gaussian noise of standard deviation {@code std} to every value of every row. */
public final class GaussianNoise implements Augmentation {

    @Config(description = "The standard deviation of the noise, in the units of the features.")
    private double std = 0.1;

    /** For OLCUT. */
    private GaussianNoise() {
    }

    /**
     * Creates the augmentation.
     *
     * @param std the standard deviation of the noise
     */
    public GaussianNoise(double std) {
        this.std = std;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (!(std >= 0) || Double.isInfinite(std)) {
            throw new PropertyException("", "std", "std must be finite and >= 0, found " + std);
        }
    }

    @Override
    public INDArray apply(INDArray batch, SplittableRandom rng) {
        if (batch.rank() != 2) {
            throw new IllegalArgumentException("expected a B × F batch, found shape " + Arrays.toString(batch.shape()));
        }
        double[] values = batch.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        for (int i = 0; i < values.length; i++) {
            values[i] += std * rng.nextGaussian();
        }
        return Nd4j.create(values, batch.shape(), 'c').castTo(batch.dataType());
    }

    @Override
    public String toString() {
        return "GaussianNoise(std=" + std + ")";
    }
}
