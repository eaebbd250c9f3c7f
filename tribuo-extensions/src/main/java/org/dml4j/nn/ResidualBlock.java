package org.dml4j.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A residual basic block (He et al., 2016) over CNHW batches ({@link ImageBatch}), as torchvision's
 * {@code BasicBlock} but with convolution biases:
 * <pre>
 * main:     Conv2d(3×3, stride s, padding 1) → BatchNorm2d → ReLU → Conv2d(3×3, stride 1, padding 1) → BatchNorm2d
 * shortcut: the input, or Conv2d(1×1, stride s) → BatchNorm2d when the stride is not 1 or the width changes
 * output:   ReLU(main + shortcut)
 * </pre>
 * Parameters and buffers are named as in torchvision: {@code conv1.*}, {@code bn1.*}, {@code conv2.*}, {@code bn2.*},
 * {@code downsample.0.*} (the shortcut's convolution) and {@code downsample.1.*} (its batch normalization).
 */
public final class ResidualBlock implements Layer {

    private final int inChannels;
    private final int outChannels;
    private final int stride;
    private final Map<String, Layer> parts;

    /**
     * Creates a block with PyTorch's default initialization.
     *
     * @param inChannels  the input channels
     * @param outChannels the output channels
     * @param stride      the first convolution's (and the shortcut's) stride
     * @param rng         the random source for the initialization
     * @param dataType    the parameters' type
     */
    public ResidualBlock(int inChannels, int outChannels, int stride, SplittableRandom rng, DataType dataType) {
        this(inChannels, outChannels, stride, parts(inChannels, outChannels, stride, rng, dataType));
    }

    private ResidualBlock(int inChannels, int outChannels, int stride, Map<String, Layer> parts) {
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.stride = stride;
        this.parts = parts;
    }

    private static Map<String, Layer> parts(int in, int out, int stride, SplittableRandom rng, DataType dataType) {
        Map<String, Layer> parts = new LinkedHashMap<>();
        parts.put("conv1", new Conv2d(in, out, 3, stride, 1, rng, dataType));
        parts.put("bn1", new BatchNorm2d(out, dataType));
        parts.put("relu", new ReLU());
        parts.put("conv2", new Conv2d(out, out, 3, 1, 1, rng, dataType));
        parts.put("bn2", new BatchNorm2d(out, dataType));
        if (stride != 1 || in != out) {
            parts.put("downsample.0", new Conv2d(in, out, 1, stride, 0, rng, dataType));
            parts.put("downsample.1", new BatchNorm2d(out, dataType));
        }
        return parts;
    }

    private boolean projects() {
        return parts.containsKey("downsample.0");
    }

    /**
     * The block's layers by their torchvision names ({@code conv1}, {@code bn1}, {@code relu}, {@code conv2},
     * {@code bn2}, and {@code downsample.0}, {@code downsample.1} when the shortcut projects), wired as the class
     * documentation shows; live layers, for exporters.
     *
     * @return the layers, in that order
     */
    public Map<String, Layer> parts() {
        return Collections.unmodifiableMap(parts);
    }

    /**
     * The block's forward pass, each convolution's bias left to the batch normalization after it, {@code bn1} running
     * the ReLU after it and {@code bn2} the residual add and the output ReLU within their own passes
     * ({@link BatchNorm2d#forward(INDArray, INDArray, INDArray, boolean, boolean, MaxPool2d)}): the same values as
     * the parts run one by one.
     */
    @Override
    public INDArray forward(INDArray input, boolean training) {
        ImageBatch.check(input, inChannels, "ResidualBlock");
        INDArray main = normalize("conv1", "bn1", input, null, training, true);
        INDArray shortcut = projects() ? normalize("downsample.0", "downsample.1", input, null, training, false)
                : input;
        return normalize("conv2", "bn2", main, shortcut, training, true);
    }

    /** A convolution and the batch normalization after it, which adds the bias, the residual and the ReLU. */
    private INDArray normalize(String conv, String norm, INDArray x, INDArray residual, boolean training,
                               boolean relu) {
        return norm(norm).forward(conv(conv).forwardWithoutBias(x), conv(conv).bias(), residual, training, relu, null);
    }

    /** The backward pass of {@link #normalize}: the input gradient of the convolution, when wanted. */
    private INDArray backward(String conv, String norm, INDArray gradOutput, boolean inputGradient) {
        INDArray g = norm(norm).backward(gradOutput);
        return conv(conv).backward(g, inputGradient, norm(norm).inputBiasGradient());
    }

    /**
     * Inference only: the block's output as {@code forward(input, false)} computes it, each convolution with its batch
     * normalization, the residual add and the ReLUs in one epilogue pass ({@link ConvEpilogue}), without touching the
     * parts' backward caches.
     *
     * @param input the CNHW input
     * @return the output
     */
    INDArray infer(INDArray input) {
        ImageBatch.check(input, inChannels, "ResidualBlock");
        INDArray main = conv("conv1").infer(input, ConvEpilogue.of(conv("conv1"), norm("bn1"), null, true, null));
        INDArray shortcut = projects() ? conv("downsample.0").infer(input,
                ConvEpilogue.of(conv("downsample.0"), norm("downsample.1"), null, false, null)) : input;
        return conv("conv2").infer(main, ConvEpilogue.of(conv("conv2"), norm("bn2"), shortcut, true, null));
    }

    private Conv2d conv(String name) {
        return (Conv2d) parts.get(name);
    }

    private BatchNorm2d norm(String name) {
        return (BatchNorm2d) parts.get(name);
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        return backward(gradOutput, true);
    }

    @Override
    public INDArray backward(INDArray gradOutput, boolean inputGradient) {
        INDArray main = backward("conv2", "bn2", gradOutput, true);
        INDArray g = norm("bn2").residualGradient();
        main = backward("conv1", "bn1", main, inputGradient);
        INDArray shortcut = projects() ? backward("downsample.0", "downsample.1", g, inputGradient) : g;
        return inputGradient ? main.addi(shortcut) : null;
    }

    @Override
    public Map<String, INDArray> parameters() {
        return NamedParts.collect(parts, Layer::parameters);
    }

    @Override
    public Map<String, INDArray> gradients() {
        return NamedParts.collect(parts, Layer::gradients);
    }

    @Override
    public Map<String, INDArray> buffers() {
        return NamedParts.collect(parts, Layer::buffers);
    }

    @Override
    public Layer copy() {
        Map<String, Layer> copies = new LinkedHashMap<>();
        parts.forEach((name, layer) -> copies.put(name, layer.copy()));
        return new ResidualBlock(inChannels, outChannels, stride, copies);
    }

    @Override
    public String toString() {
        return "ResidualBlock(" + inChannels + " -> " + outChannels + ", stride=" + stride + ")";
    }
}
