package org.dml4j.nn.onnx;

/**
 * The geometry of a 2-D sliding window (convolution or pooling) over {@code H×W} planes: kernel, strides, dilations
 * and the zero padding before and after each spatial axis, as ONNX's {@code kernel_shape}, {@code strides},
 * {@code dilations} and {@code pads = [top, left, bottom, right]}.
 *
 * @param kernelH  the kernel's height
 * @param kernelW  the kernel's width
 * @param strideH  the vertical stride
 * @param strideW  the horizontal stride
 * @param dilationH the vertical dilation
 * @param dilationW the horizontal dilation
 * @param padTop    rows of padding above
 * @param padLeft   columns of padding on the left
 * @param padBottom rows of padding below
 * @param padRight  columns of padding on the right
 */
record Window(int kernelH, int kernelW, int strideH, int strideW, int dilationH, int dilationW,
              int padTop, int padLeft, int padBottom, int padRight) {

    /**
     * @param height the input height
     * @return the output height
     * @throws IllegalArgumentException if the window does not fit
     */
    int outHeight(long height) {
        return side(height, kernelH, strideH, dilationH, padTop + padBottom);
    }

    /**
     * @param width the input width
     * @return the output width
     * @throws IllegalArgumentException if the window does not fit
     */
    int outWidth(long width) {
        return side(width, kernelW, strideW, dilationW, padLeft + padRight);
    }

    private static int side(long size, int kernel, int stride, int dilation, int pads) {
        long out = (size + pads - (long) dilation * (kernel - 1) - 1) / stride + 1;
        if (size + pads < (long) dilation * (kernel - 1) + 1) {
            throw new IllegalArgumentException("a window of " + kernel + " (dilation " + dilation + ") with "
                    + pads + " padding does not fit an input of side " + size);
        }
        return Math.toIntExact(out);
    }

    /** @return whether this is a square, undilated window with the same stride and padding on every side */
    boolean isSquare() {
        return kernelH == kernelW && strideH == strideW && dilationH == 1 && dilationW == 1 && padTop == padLeft
                && padTop == padBottom && padTop == padRight;
    }
}
