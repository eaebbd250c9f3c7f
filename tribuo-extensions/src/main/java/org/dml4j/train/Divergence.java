package org.dml4j.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.longer.MatchCondition;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.conditions.Conditions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Detects divergence cheaply on the step path: the loss (a scalar) and the batch's embeddings and their gradient
 * (one reduction over B × d each) every step; the parameters, whose non-finite values reach the next step's
 * embeddings, at the end of the run and to explain a failure.
 */
final class Divergence {

    private Divergence() {
    }

    /**
     * @param array an array
     * @return whether every element is finite (one reduction counting the others)
     */
    static boolean isFinite(INDArray array) {
        return Nd4j.getExecutioner().exec(new MatchCondition(array, Conditions.notFinite())).getLong(0) == 0;
    }

    /**
     * The names of the non-finite arrays.
     *
     * @param prefix  what the arrays are (e.g. "parameter")
     * @param arrays  the arrays by name
     * @return e.g. {@code parameter '0.weight'}, one per non-finite array
     */
    static List<String> nonFinite(String prefix, Map<String, INDArray> arrays) {
        List<String> found = new ArrayList<>();
        arrays.forEach((name, array) -> {
            if (array != null && !isFinite(array)) {
                found.add(prefix + " '" + name + "'");
            }
        });
        return found;
    }

    /**
     * The error for a run that diverged.
     *
     * @param epoch        the epoch, from 1
     * @param batch        the batch within the epoch, from 0
     * @param what         what is not finite
     * @param learningRate the learning rate of the step
     * @return the exception to throw
     */
    static TrainingDivergedException error(int epoch, int batch, String what, double learningRate) {
        return new TrainingDivergedException(epoch, batch, "training diverged in epoch " + epoch + ", batch "
                + batch + ": " + what + " is not finite. Likely causes: the learning rate " + learningRate
                + " is too high (lower it, e.g. by 10x), or the features are too large (scale them, e.g. with "
                + "Tribuo's MeanStdDevTransformation). No model was produced.");
    }
}
