package org.dml4j.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A pre-norm transformer encoder block (as in ViT) over the positions of an image batch or over tokens:
 * <pre>
 * x = x + self_attn(norm1(x))                        MultiHeadAttention(width, heads)
 * x = x + linear2(GELU(linear1(norm2(x))))           Dense(width → 4·width), Dense(4·width → width)
 * </pre>
 * PyTorch's {@code nn.TransformerEncoderLayer(width, heads, 4·width, dropout=0, activation="gelu", batch_first=True,
 * norm_first=True)}, with its parameter names ({@code self_attn.*}, {@code linear1.*}, {@code linear2.*},
 * {@code norm1.*}, {@code norm2.*}). A CNHW image batch ({@link ImageBatch}) of {@code width} channels is attended as
 * {@code H·W} tokens ({@link Tokens}) and comes out in the same layout; there is no positional encoding (the
 * convolutions before the block see where they are through the image borders).
 */
public final class TransformerBlock implements Layer {

    /** The MLP's hidden width per token width. */
    public static final int MLP_RATIO = 4;

    private final int width;
    private final int heads;
    private final Map<String, Layer> parts;
    private long[] shape;
    private long[] tokenShape;

    /**
     * Creates a block with PyTorch's default initialization.
     *
     * @param width    the token width (the channels of an image batch)
     * @param heads    the attention heads, dividing {@code width}
     * @param rng      the random source for the initialization
     * @param dataType the parameters' type
     */
    public TransformerBlock(int width, int heads, SplittableRandom rng, DataType dataType) {
        this(width, heads, parts(width, heads, rng, dataType));
    }

    private TransformerBlock(int width, int heads, Map<String, Layer> parts) {
        this.width = width;
        this.heads = heads;
        this.parts = parts;
    }

    private static Map<String, Layer> parts(int width, int heads, SplittableRandom rng, DataType dataType) {
        Map<String, Layer> parts = new LinkedHashMap<>();
        parts.put("self_attn", new MultiHeadAttention(width, heads, rng, dataType));
        parts.put("linear1", new Dense(width, MLP_RATIO * width, rng, dataType));
        parts.put("activation", new GELU());
        parts.put("linear2", new Dense(MLP_RATIO * width, width, rng, dataType));
        parts.put("norm1", new LayerNorm(width, dataType));
        parts.put("norm2", new LayerNorm(width, dataType));
        return parts;
    }

    /**
     * The block's layers by their PyTorch names ({@code self_attn}, {@code linear1}, {@code activation},
     * {@code linear2}, {@code norm1}, {@code norm2}), wired as the class documentation shows; live layers, for
     * exporters.
     *
     * @return the layers
     */
    public Map<String, Layer> parts() {
        return Collections.unmodifiableMap(parts);
    }

    /** @return the token width */
    public int width() {
        return width;
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        shape = input.shape();
        INDArray x = Tokens.of(input, width, "TransformerBlock");
        tokenShape = x.shape();
        INDArray rows = x.reshape('c', tokenShape[0] * tokenShape[1], width);
        INDArray attended = parts.get("self_attn").forward(parts.get("norm1").forward(x, training), training);
        INDArray mid = rows.add(attended.reshape('c', rows.shape()));
        INDArray mlp = mid;
        for (String name : new String[]{"norm2", "linear1", "activation", "linear2"}) {
            mlp = parts.get(name).forward(mlp, training);
        }
        return Tokens.restore(mid.addi(mlp).reshape('c', tokenShape), shape);
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        long[] s = ForwardCache.require(tokenShape, "TransformerBlock");
        INDArray g = Tokens.of(gradOutput, width, "TransformerBlock").reshape('c', s[0] * s[1], width);
        INDArray mlp = g;
        for (String name : new String[]{"linear2", "activation", "linear1", "norm2"}) {
            mlp = parts.get(name).backward(mlp);
        }
        INDArray mid = g.add(mlp);
        INDArray attended = parts.get("norm1").backward(parts.get("self_attn").backward(mid.reshape('c', s)));
        return Tokens.restore(mid.reshape('c', s).addi(attended), shape);
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
    public Layer copy() {
        Map<String, Layer> copies = new LinkedHashMap<>();
        parts.forEach((name, layer) -> copies.put(name, layer.copy()));
        return new TransformerBlock(width, heads, copies);
    }

    @Override
    public String toString() {
        return "TransformerBlock(" + width + ", heads=" + heads + ")";
    }
}
