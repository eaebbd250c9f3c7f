package org.dml4j.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.SplittableRandom;

import static org.dml4j.nn.GradientCheck.check;
import static org.dml4j.nn.GradientCheck.normal;
import static org.junit.jupiter.api.Assertions.assertEquals;

class LayerGradientTest {

    private static final DataType F64 = DataType.DOUBLE;

    @Test
    void dense() {
        check(new Dense(5, 3, new SplittableRandom(1), F64), normal(2, 4, 5), true);
    }

    @Test
    void relu() {
        check(new ReLU(), normal(3, 4, 6), true);
    }

    @Test
    void reluPassesTheGradientWhereTheInputIsPositiveAndNotAtZero() {
        ReLU relu = new ReLU();
        INDArray out = relu.forward(Nd4j.create(new float[][]{{-1f, 0f, 2f, 0.5f}}), true);
        assertEquals(Nd4j.create(new float[][]{{0f, 0f, 2f, 0.5f}}), out);
        assertEquals(Nd4j.create(new float[][]{{0f, 0f, 7f, 8f}}),
                relu.backward(Nd4j.create(new float[][]{{5f, 6f, 7f, 8f}})));
    }

    @Test
    void tanh() {
        check(new Tanh(), normal(4, 4, 6), true);
    }

    @Test
    void batchNorm1dWithBatchStatistics() {
        check(withTrainedAffine(new BatchNorm1d(3, F64)), normal(5, 6, 3).muli(2).addi(1), true);
    }

    @Test
    void batchNorm1dWithRunningStatistics() {
        BatchNorm1d bn = withTrainedAffine(new BatchNorm1d(3, F64));
        bn.forward(normal(6, 8, 3).muli(3), true);
        check(bn, normal(7, 5, 3), false);
    }

    @Test
    void batchNorm2d() {
        check(withTrainedAffine(new BatchNorm2d(2, F64)), normal(8, 2, 3, 4, 5), true);
    }

    @Test
    void conv2dSamePadding() {
        check(new Conv2d(2, 3, 3, 1, 1, new SplittableRandom(9), F64), normal(10, 2, 2, 5, 6), true);
    }

    @Test
    void conv2dStrideTwoNoPadding() {
        Conv2d conv = new Conv2d(1, 2, 3, 2, 0, new SplittableRandom(11), F64);
        INDArray x = normal(12, 1, 2, 7, 8);
        assertEquals(List.of(2L, 2L, 3L, 3L), List.of(boxed(conv.forward(x, true).shape())));
        check(conv, x, true);
    }

    @Test
    void conv2dStrideTwoWithPadding() {
        check(new Conv2d(2, 2, 3, 2, 1, new SplittableRandom(13), F64), normal(14, 2, 1, 6, 6), true);
    }

    @Test
    void conv2dInChunksOfImages() {
        Conv2d whole = new Conv2d(2, 3, 3, 2, 1, new SplittableRandom(31), F64);
        // 2 input channels x 9 taps x 3x3 output pixels = 162 column values per image: 2 images per chunk of 5
        Conv2d chunked = ((Conv2d) whole.copy()).limitColumns(2 * 162);
        INDArray x = normal(32, 2, 5, 6, 5);
        INDArray g = normal(33, 3, 5, 3, 3);
        assertEquals(whole.forward(x, true), chunked.forward(x, true));
        assertEquals(whole.backward(g), chunked.backward(g));
        assertEquals(whole.gradients(), chunked.gradients());
        check(chunked, x, true);
    }

    @Test
    void residualBlockWithIdentityShortcut() {
        check(new ResidualBlock(2, 2, 1, new SplittableRandom(34), F64), normal(35, 2, 3, 5, 5), true);
    }

    @Test
    void residualBlockWithStrideTwoProjection() {
        ResidualBlock block = new ResidualBlock(2, 3, 2, new SplittableRandom(36), F64);
        INDArray x = normal(37, 2, 3, 5, 6);
        assertEquals(List.of(3L, 3L, 3L, 3L), List.of(boxed(block.forward(x, true).shape())));
        check(block, x, true);
    }

    @Test
    void globalAvgPool() {
        GlobalAvgPool2d pool = new GlobalAvgPool2d();
        INDArray x = normal(38, 3, 2, 4, 5);
        INDArray y = pool.forward(x, true);
        assertEquals(x.get(org.nd4j.linalg.indexing.NDArrayIndex.point(2), org.nd4j.linalg.indexing.NDArrayIndex.point(1))
                .meanNumber().doubleValue(), y.getDouble(1, 2), 1e-12);
        check(pool, x, true);
    }

    @Test
    void resnetWithNormalizedOutput() {
        EmbeddingNetwork net = new ResNetSpec(new int[]{2, 3}, 1, 4, 1, 6, 6, true).build(36, 39, F64);
        check(net, normal(40, 3, 36), true);
    }

    @Test
    void maxPool() {
        MaxPool2d pool = new MaxPool2d(2, 2);
        INDArray x = normal(15, 2, 3, 4, 6);
        assertEquals(List.of(2L, 3L, 2L, 3L), List.of(boxed(pool.forward(x, true).shape())));
        check(pool, x, true);
    }

    @Test
    void maxPoolTakesTheWindowMaximum() {
        INDArray x = org.nd4j.linalg.factory.Nd4j.create(new double[]{1, 5, 2, 0, 3, 4, 8, 7, 1, 1, 1, 1, 0, 2, 9, 9},
                new long[]{1, 1, 4, 4}, F64);
        INDArray y = new MaxPool2d(2, 2).forward(x, false);
        assertEquals(List.of(5.0, 8.0, 2.0, 9.0), List.of(boxed(y.data().asDouble())));
    }

    @Test
    void maxPoolGivesTheGradientToTheFirstMaximumOfEachWindow() {
        // 2x2 windows with ties: the first maximum in row-major order gets the gradient, as in PyTorch
        INDArray x = org.nd4j.linalg.factory.Nd4j.create(new double[]{7, 7, 0, 4, 7, 7, 4, 4, 1, 2, 5, 1, 2, 2, 5, 5},
                new long[]{1, 1, 4, 4}, F64);
        MaxPool2d pool = new MaxPool2d(2, 2);
        assertEquals(List.of(7.0, 4.0, 2.0, 5.0), List.of(boxed(pool.forward(x, true).data().asDouble())));
        INDArray dx = pool.backward(org.nd4j.linalg.factory.Nd4j.create(new double[]{1, 2, 3, 4},
                new long[]{1, 1, 2, 2}, F64));
        assertEquals(List.of(1.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 3.0, 4.0, 0.0, 0.0, 0.0, 0.0, 0.0),
                List.of(boxed(dx.data().asDouble())));
    }

    @Test
    void flattenAndUnflatten() {
        check(new EmbeddingNetwork(List.of(new Unflatten(2, 3, 2), new Tanh(), new Flatten())), normal(16, 3, 12),
                true);
    }

    @Test
    void l2Normalize() {
        check(new L2Normalize(), normal(17, 4, 5), true);
    }

    @Test
    void dropoutPassesGradientThroughItsMask() {
        Dropout dropout = new Dropout(0.5, 3);
        INDArray x = normal(18, 20, 10);
        INDArray y = dropout.forward(x, true);
        INDArray g = normal(19, 20, 10);
        // y = x ⊙ mask, so dL/dx = g ⊙ mask = g ⊙ y / x.
        assertEquals(0.0, dropout.backward(g).sub(g.mul(y).div(x)).norm2Number().doubleValue(), 1e-12);
    }

    @Test
    void mlpWithBatchNormTanhAndNormalizedOutput() {
        EmbeddingNetwork net = new MlpSpec(new int[]{6, 5}, 4, Activation.TANH, 0.0, true, true)
                .build(7, 21, F64);
        check(net, normal(22, 5, 7), true);
    }

    @Test
    void referenceMlpShapeWithNormalizedOutput() {
        check(new MlpSpec(new int[]{9}, 4).build(6, 23, F64), normal(24, 3, 6), true);
    }

    @Test
    void cnnWithNormalizedOutput() {
        EmbeddingNetwork net = new CnnSpec(new int[]{2, 3}, 4, 1, 8, 8, true).build(64, 25, F64);
        check(net, normal(26, 3, 64), true);
    }

    @Test
    void backwardParametersGivesTheSameGradientsWithoutTheInputGradient() {
        EmbeddingNetwork net = new MlpSpec(new int[]{6}, 4).build(5, 29, F64);
        INDArray x = normal(30, 3, 5);
        INDArray g = normal(31, 3, 4);
        net.forward(x, true);
        net.backward(g);
        java.util.Map<String, INDArray> full = new java.util.HashMap<>(net.gradients());
        net.forward(x, true);
        net.backwardParameters(g);
        assertEquals(full, net.gradients());
    }

    private static <T extends Layer> T withTrainedAffine(T layer) {
        layer.parameters().get("weight").assign(normal(27, layer.parameters().get("weight").shape()));
        layer.parameters().get("bias").assign(normal(28, layer.parameters().get("bias").shape()));
        return layer;
    }

    private static Long[] boxed(long[] values) {
        return java.util.Arrays.stream(values).boxed().toArray(Long[]::new);
    }

    private static Double[] boxed(double[] values) {
        return java.util.Arrays.stream(values).boxed().toArray(Double[]::new);
    }
}
