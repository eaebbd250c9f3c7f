package org.dml4j.augment;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.SplittableRandom;

/** Applies augmentations one after the other, in list order, all drawing from the same generator. */
public final class Compose implements Augmentation {

    @Config(mandatory = true, description = "The augmentations, applied in order.")
    private List<Augmentation> steps;

    /** For OLCUT. */
    private Compose() {
    }

    /**
     * Creates the chain.
     *
     * @param steps the augmentations, applied in order
     */
    public Compose(List<Augmentation> steps) {
        this.steps = steps;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (steps.isEmpty()) {
            throw new PropertyException("", "steps", "steps must hold at least one augmentation, found none");
        }
        steps = List.copyOf(steps);
    }

    /** @return the augmentations, in order */
    public List<Augmentation> steps() {
        return steps;
    }

    @Override
    public INDArray apply(INDArray batch, SplittableRandom rng) {
        INDArray out = batch;
        for (Augmentation step : steps) {
            out = step.apply(out, rng);
        }
        return out;
    }

    @Override
    public String toString() {
        return "Compose(" + steps + ")";
    }
}
