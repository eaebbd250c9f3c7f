package org.dml4j.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * A network's layers run for inference only ({@link EmbeddingNetwork#embed}): the same values as
 * {@code forward(x, false)} layer after layer, but each {@link Conv2d} runs together with the {@link BatchNorm2d},
 * {@link ReLU} and {@link MaxPool2d} that follow it in one {@link ConvEpilogue}, and {@link ResidualBlock}s run their
 * fused inference; no backward caches are written for them.
 */
final class InferencePass {

    private InferencePass() {
    }

    /**
     * Runs the layers in inference mode.
     *
     * @param layers the network's layers
     * @param input  the input
     * @return the output
     */
    static INDArray run(List<Layer> layers, INDArray input) {
        INDArray x = input;
        int i = 0;
        while (i < layers.size()) {
            Layer layer = layers.get(i++);
            if (layer instanceof Conv2d conv) {
                BatchNorm2d norm = i < layers.size() && layers.get(i) instanceof BatchNorm2d b ? b : null;
                i += norm == null ? 0 : 1;
                boolean relu = i < layers.size() && layers.get(i) instanceof ReLU;
                i += relu ? 1 : 0;
                MaxPool2d pool = i < layers.size() && layers.get(i) instanceof MaxPool2d p ? p : null;
                i += pool == null ? 0 : 1;
                x = conv.infer(x, ConvEpilogue.of(conv, norm, null, relu, pool));
            } else if (layer instanceof ResidualBlock block) {
                x = block.infer(x);
            } else {
                x = layer.forward(x, false);
            }
        }
        return x;
    }
}
