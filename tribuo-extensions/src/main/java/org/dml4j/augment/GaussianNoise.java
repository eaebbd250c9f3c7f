package org.dml4j.augment;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.nd.HostArrays;
import org.nd4j.linalg.api.ndarray.INDArray;

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
        double[] values = HostArrays.doubles(batch);
        for (int i = 0; i < values.length; i++) {
            values[i] += std * rng.nextGaussian();
        }
        return HostArrays.float64(values, batch.shape()).castTo(batch.dataType());
    }

    @Override
    public String toString() {
        return "GaussianNoise(std=" + std + ")";
    }
}
