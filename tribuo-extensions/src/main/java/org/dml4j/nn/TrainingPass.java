package org.dml4j.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * A network's layers run with backward caches ({@link EmbeddingNetwork#forward} and {@code backward}): the same values
 * as running the layers one by one, but each {@link BatchNorm2d} followed by a {@link ReLU} and/or a {@link MaxPool2d}
 * runs them within its own passes ({@link BatchNorm2d#forward(INDArray, INDArray, INDArray, boolean, boolean,
 * MaxPool2d)}), and its backward takes the fused output's gradient back through all of them: no separate ReLU or
 * pooling passes, no normalized batch written out before pooling, no zeroed input gradient for the pooling to scatter
 * into. A {@link Conv2d} right before such a batch normalization leaves its bias to it (no bias pass over the product
 * and no bias-gradient sum). The fused ReLU and pooling layers' own caches are not written.
 */
final class TrainingPass {

    /**
     * Layers {@code [start, end)} of a network, run as one: a single layer, or a fused batch normalization with the
     * convolution before it when there is one.
     *
     * @param start the first layer's index
     * @param end   one past the last layer's index
     */
    record Unit(int start, int end) {
    }

    private TrainingPass() {
    }

    /**
     * Splits the layers into units.
     *
     * @param layers the network's layers
     * @return the units, in order, covering every layer once
     */
    static List<Unit> units(List<Layer> layers) {
        List<Unit> units = new ArrayList<>();
        int i = 0;
        while (i < layers.size()) {
            int start = i++;
            if (layers.get(start) instanceof Conv2d && i < layers.size() && layers.get(i) instanceof BatchNorm2d) {
                i++;
            }
            if (layers.get(i - 1) instanceof BatchNorm2d) {
                i += i < layers.size() && layers.get(i) instanceof ReLU ? 1 : 0;
                i += i < layers.size() && layers.get(i) instanceof MaxPool2d ? 1 : 0;
            }
            units.add(new Unit(start, i));
        }
        return units;
    }

    /**
     * Runs one unit's forward pass.
     *
     * @param layers   the network's layers
     * @param unit     the unit
     * @param x        its input
     * @param training true while training
     * @return its output
     */
    static INDArray forward(List<Layer> layers, Unit unit, INDArray x, boolean training) {
        Layer first = layers.get(unit.start());
        if (unit.end() - unit.start() == 1) {
            return first.forward(x, training);
        }
        int norm = first instanceof Conv2d ? unit.start() + 1 : unit.start();
        INDArray y = first instanceof Conv2d conv ? conv.forwardWithoutBias(x) : x;
        INDArray bias = first instanceof Conv2d conv ? conv.bias() : null;
        boolean relu = norm + 1 < unit.end() && layers.get(norm + 1) instanceof ReLU;
        Layer last = layers.get(unit.end() - 1);
        return ((BatchNorm2d) layers.get(norm)).forward(y, bias, null, training, relu,
                last instanceof MaxPool2d pool ? pool : null);
    }

    /**
     * Back-propagates through one unit's last forward pass.
     *
     * @param layers        the network's layers
     * @param unit          the unit
     * @param gradOutput    the gradient of its output
     * @param inputGradient whether the gradient of its input is wanted
     * @return the gradient of its input, or null when not wanted
     */
    static INDArray backward(List<Layer> layers, Unit unit, INDArray gradOutput, boolean inputGradient) {
        Layer first = layers.get(unit.start());
        if (first instanceof Conv2d conv && unit.end() - unit.start() > 1) {
            BatchNorm2d norm = (BatchNorm2d) layers.get(unit.start() + 1);
            return conv.backward(norm.backward(gradOutput), inputGradient, norm.inputBiasGradient());
        }
        return first.backward(gradOutput, inputGradient);
    }
}
