package org.dml4j.nn;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link ConvColumns} against the definition, for "same" geometries (stride 1, output as wide as the input: the
 * shifted-plane runs) and others (the per-row segments), serial and in parallel tasks (channels, or channels and runs
 * of images): {@code im2col} writes exactly the input value of every
 * window tap inside the input and 0 in the padding, for a run of images inside a batch; {@code col2im} is its adjoint
 * ({@code <im2col(x), G> = <x, col2im(G)>} in float64 within 1e-12) and adds to what the gradient held.
 */
class ConvColumnsTest {

    @ParameterizedTest
    @CsvSource({
        // channels, batch, height, width, kernel, stride, padding, n0, n1
        "2, 3, 5, 5, 3, 1, 1, 0, 3",   // same padding, 3x3
        "1, 2, 4, 6, 5, 1, 2, 1, 2",   // same padding, 5x5 wider than high, a run of one image
        "2, 2, 1, 1, 3, 1, 1, 0, 2",   // same padding on 1x1 images: only the centre tap is inside
        "1, 2, 2, 3, 5, 1, 2, 0, 2",   // same padding, the kernel larger than the image
        "3, 2, 4, 4, 1, 1, 0, 0, 2",   // 1x1
        "2, 2, 6, 5, 3, 1, 0, 0, 2",   // no padding
        "2, 3, 7, 6, 3, 2, 1, 1, 3",   // stride 2
        "1, 13, 28, 28, 3, 1, 1, 2, 13", // one channel, parallel tasks over runs of images (the first convolution)
        "3, 40, 16, 16, 3, 2, 1, 0, 40", // three channels, stride 2, parallel over channels and runs of images
    })
    void im2colIsTheDefinitionAndCol2imItsAdjoint(int channels, int batch, int height, int width, int kernel,
                                                  int stride, int padding, int n0, int n1) {
        ConvColumns geometry = new ConvColumns(channels, batch, height, width, kernel, stride, padding);
        SplittableRandom rng = new SplittableRandom(3);
        double[] x = rng.doubles(channels * batch * height * width, -1, 1).toArray();
        int oh = geometry.outHeight();
        int ow = geometry.outWidth();
        int m = (n1 - n0) * oh * ow;
        INDArray cols = Nd4j.createUninitialized(DataType.DOUBLE, new long[]{geometry.rows(), m}, 'c');
        cols.assign(Double.NaN); // every value must be written
        geometry.im2col(x, n0, n1, cols);
        double[] expected = new double[geometry.rows() * m];
        for (int c = 0; c < channels; c++) {
            for (int ki = 0; ki < kernel; ki++) {
                for (int kj = 0; kj < kernel; kj++) {
                    for (int n = n0; n < n1; n++) {
                        for (int oy = 0; oy < oh; oy++) {
                            for (int ox = 0; ox < ow; ox++) {
                                int iy = oy * stride + ki - padding;
                                int ix = ox * stride + kj - padding;
                                boolean inside = iy >= 0 && iy < height && ix >= 0 && ix < width;
                                expected[((c * kernel + ki) * kernel + kj) * m + ((n - n0) * oh + oy) * ow + ox] =
                                        inside ? x[((c * batch + n) * height + iy) * width + ix] : 0;
                            }
                        }
                    }
                }
            }
        }
        assertArrayEquals(expected, cols.data().asDouble(), 0);

        double[] g = rng.doubles(geometry.rows() * m, -1, 1).toArray();
        double[] before = rng.doubles(x.length, -1, 1).toArray();
        double[] dx = before.clone();
        geometry.col2im(Nd4j.createFromArray(g).reshape(geometry.rows(), m), n0, n1, dx);
        double lhs = 0;
        for (int i = 0; i < g.length; i++) {
            lhs += expected[i] * g[i];
        }
        double rhs = 0;
        for (int i = 0; i < x.length; i++) {
            rhs += x[i] * (dx[i] - before[i]);
            boolean inRun = (i / (height * width)) % batch >= n0 && (i / (height * width)) % batch < n1;
            if (!inRun) {
                assertEquals(before[i], dx[i], 0, "col2im changed an image outside the run");
            }
        }
        assertEquals(lhs, rhs, 1e-12);
    }
}
