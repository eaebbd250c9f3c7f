package org.dml4j.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * The token view of an image batch for the attention layers: a CNHW batch {@code [C, N, H, W]} ({@link ImageBatch})
 * is {@code [N, H·W, C]}, one token of width {@code C} per position in row-major order (PyTorch's
 * {@code x.flatten(2).transpose(1, 2)} of the NCHW batch); a rank-3 input already is {@code [batch, tokens, width]}.
 */
final class Tokens {

    private Tokens() {
    }

    /**
     * The tokens of an input.
     *
     * @param input a CNHW image batch or {@code [batch, tokens, width]} tokens
     * @param width the expected token width (channels)
     * @param layer the layer's name, for the message
     * @return {@code [batch, tokens, width]}
     */
    static INDArray of(INDArray input, int width, String layer) {
        if (input.rank() == 3 && input.size(2) == width) {
            return input;
        }
        if (input.rank() == 4 && input.size(0) == width) {
            long[] s = input.shape();
            return input.permute(1, 2, 3, 0).dup('c').reshape('c', s[1], s[2] * s[3], s[0]);
        }
        throw new IllegalArgumentException(layer + " expects a [channels=" + width + ", batch, height, width] image "
                + "batch or [batch, tokens, " + width + "] tokens, found " + Arrays.toString(input.shape()));
    }

    /**
     * Puts tokens (or their gradient) back in the layout of the input they came from.
     *
     * @param tokens {@code [batch, tokens, width]}
     * @param shape  the shape of the input given to {@link #of}
     * @return an array of that shape
     */
    static INDArray restore(INDArray tokens, long[] shape) {
        if (shape.length == 3) {
            return tokens;
        }
        return tokens.reshape('c', shape[1], shape[2], shape[3], shape[0]).permute(3, 0, 1, 2).dup('c');
    }
}
