package org.dml4j.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * Conversions between NCHW image batches and channels-last row matrices {@code [N·H·W, C]}, the layout in which a
 * convolution is a matrix product and batch normalization over channels is {@link BatchNorm1d}.
 */
final class Nchw {

    private Nchw() {
    }

    /**
     * Checks that an array is an NCHW batch.
     *
     * @param input    the array
     * @param channels the expected channel count
     * @param layer    the layer's name, for the message
     */
    static void check(INDArray input, long channels, String layer) {
        if (input.rank() != 4 || input.size(1) != channels) {
            throw new IllegalArgumentException(layer + " expects NCHW input with " + channels + " channels, found "
                    + Arrays.toString(input.shape()));
        }
    }

    /**
     * Rearranges {@code [N, C, H, W]} into {@code [N·H·W, C]}.
     *
     * @param images the batch
     * @return a new c-ordered matrix
     */
    static INDArray toRows(INDArray images) {
        long[] s = images.shape();
        return images.permute(0, 2, 3, 1).dup('c').reshape(s[0] * s[2] * s[3], s[1]);
    }

    /**
     * Rearranges {@code [N·H·W, C]} back into {@code [N, C, H, W]}.
     *
     * @param rows   the matrix
     * @param n      the batch size
     * @param height the image height
     * @param width  the image width
     * @return a new c-ordered batch
     */
    static INDArray fromRows(INDArray rows, long n, long height, long width) {
        return rows.reshape('c', n, height, width, rows.columns()).permute(0, 3, 1, 2).dup('c');
    }
}
