package org.dml4j.nn;

import org.dml4j.nd.HostArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Attention pooling: one learned query attends over the positions of an image batch or over tokens, giving one row
 * per example (the pooling by multi-head attention of Lee et al.'s Set Transformer with one seed, and the attention
 * pool of CLIP's ResNets without its positional embedding):
 * <pre>
 * output[n] = attn(query, tokens[n], tokens[n])        MultiHeadAttention(width, heads)
 * </pre>
 * A CNHW batch ({@link ImageBatch}) of {@code width} channels gives {@code [N, width]} rows, as
 * {@link GlobalAvgPool2d} does. Parameters: {@code query [1, 1, width]} (standard normal at initialization, scaled
 * by {@code 1/√width}) and the attention's ({@code attn.in_proj_weight}, ...), as PyTorch's
 * {@code attn(query.expand(N, -1, -1), x, x)[0][:, 0]} with {@code attn = nn.MultiheadAttention(width, heads,
 * batch_first=True)}.
 */
public final class AttentionPool implements Layer {

    private final INDArray query;
    private final MultiHeadAttention attention;
    private Map<String, INDArray> gradients = Map.of();
    private long[] shape;

    /**
     * Creates the pooling layer.
     *
     * @param width    the token width (the channels of an image batch)
     * @param heads    the attention heads, dividing {@code width}
     * @param rng      the random source for the initialization
     * @param dataType the parameters' type
     */
    public AttentionPool(int width, int heads, SplittableRandom rng, DataType dataType) {
        this(initialQuery(width, rng, dataType), new MultiHeadAttention(width, heads, rng, dataType));
    }

    private AttentionPool(INDArray query, MultiHeadAttention attention) {
        this.query = query;
        this.attention = attention;
    }

    private static INDArray initialQuery(int width, SplittableRandom rng, DataType dataType) {
        double[] values = new double[width];
        Random normal = new Random(rng.nextLong());
        for (int i = 0; i < width; i++) {
            values[i] = normal.nextGaussian() / Math.sqrt(width);
        }
        return HostArrays.create(values, dataType, 1, 1, width);
    }

    /** @return the attention of the query over the tokens; live, for exporters */
    public MultiHeadAttention attention() {
        return attention;
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        shape = input.shape();
        INDArray tokens = Tokens.of(input, attention.width(), "AttentionPool");
        INDArray pooled = attention.attend(query, tokens);
        return pooled.reshape('c', pooled.size(0), pooled.size(2));
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        long[] s = ForwardCache.require(shape, "AttentionPool");
        INDArray[] g = attention.backwardAttend(gradOutput.reshape('c', gradOutput.size(0), 1, gradOutput.size(1)));
        Map<String, INDArray> grads = new LinkedHashMap<>();
        grads.put("query", g[0]);
        attention.gradients().forEach((k, v) -> grads.put("attn." + k, v));
        gradients = grads;
        return Tokens.restore(g[1], s);
    }

    @Override
    public Map<String, INDArray> parameters() {
        Map<String, INDArray> params = new LinkedHashMap<>();
        params.put("query", query);
        attention.parameters().forEach((k, v) -> params.put("attn." + k, v));
        return params;
    }

    @Override
    public Map<String, INDArray> gradients() {
        return gradients;
    }

    @Override
    public Layer copy() {
        return new AttentionPool(query.dup(), (MultiHeadAttention) attention.copy());
    }

    @Override
    public String toString() {
        return "AttentionPool(" + attention.width() + ", heads=" + attention.heads() + ")";
    }
}
