package org.dml4j.onnx;

import org.dml4j.nn.AttentionPool;
import org.dml4j.nn.Dense;
import org.dml4j.nn.GELU;
import org.dml4j.nn.GeMPool2d;
import org.dml4j.nn.Layer;
import org.dml4j.nn.LayerNorm;
import org.dml4j.nn.MultiHeadAttention;
import org.dml4j.nn.TransformerBlock;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXRef;

import java.util.List;
import java.util.Map;

/**
 * The ONNX operators (opset 13, which has no LayerNormalization or Gelu) of the attention and pooling blocks, for
 * {@link NetworkGraph}:
 * <ul>
 *     <li>{@link LayerNorm}: {@code ReduceMean}, {@code Sub}, {@code Mul}, {@code Add}, {@code Sqrt}, {@code Div}
 *     over the last axis, then the weight and bias;</li>
 *     <li>{@link GELU}: {@code x·(1 + Erf(x/√2))/2};</li>
 *     <li>{@link TransformerBlock} and {@link AttentionPool} over an NCHW image batch: its positions as tokens
 *     ({@code Reshape}, {@code Transpose}), the heads' projections as {@code MatMul} with the transposed weights,
 *     {@code Softmax} over the keys, and for the block the tokens back in the image's shape ({@code Shape},
 *     {@code Reshape});</li>
 *     <li>{@link GeMPool2d}: {@code Max(x, eps)}, {@code Pow(·, p)}, {@code GlobalAveragePool},
 *     {@code Pow(·, 1/p)}, {@code Flatten}.</li>
 * </ul>
 * Initializers are named after the network's parameters ({@code 5_self_attn_in_proj_weight_q} for the query rows of
 * layer 5's input projection, transposed).
 */
final class BlockGraph {

    private BlockGraph() {
    }

    /**
     * Writes a block's operators.
     *
     * @param layer the layer
     * @param x     its input
     * @param name  the prefix of its initializers' names
     * @return its output, or null if the layer is not one of the blocks
     */
    static ONNXRef<?> write(Layer layer, ONNXRef<?> x, String name) {
        if (layer instanceof LayerNorm) {
            return layerNorm(layer, x, name);
        } else if (layer instanceof GELU) {
            return gelu(x, name);
        } else if (layer instanceof TransformerBlock block) {
            return transformer(block, x, name);
        } else if (layer instanceof AttentionPool pool) {
            return attentionPool(pool, x, name);
        } else if (layer instanceof GeMPool2d gem) {
            return gem(gem, x, name);
        }
        return null;
    }

    private static ONNXRef<?> layerNorm(Layer norm, ONNXRef<?> x, String name) {
        ONNXContext onnx = x.onnxContext();
        Map<String, Object> lastAxis = Map.of("axes", new int[]{-1}, "keepdims", 1);
        ONNXRef<?> centred = x.apply(ONNXOperators.SUB, x.apply(ONNXOperators.REDUCE_MEAN, lastAxis));
        ONNXRef<?> variance = centred.apply(ONNXOperators.MUL, centred).apply(ONNXOperators.REDUCE_MEAN, lastAxis);
        ONNXRef<?> std = variance.apply(ONNXOperators.ADD, onnx.constant(name + "_eps", (float) LayerNorm.EPSILON))
                .apply(NetworkOperators.SQRT);
        return centred.apply(ONNXOperators.DIV, std)
                .apply(ONNXOperators.MUL, NetworkGraph.tensor(onnx, name + "_weight", norm.parameters().get("weight")))
                .apply(ONNXOperators.ADD, NetworkGraph.tensor(onnx, name + "_bias", norm.parameters().get("bias")));
    }

    private static ONNXRef<?> gelu(ONNXRef<?> x, String name) {
        ONNXContext onnx = x.onnxContext();
        ONNXRef<?> cdf = x.apply(ONNXOperators.DIV, onnx.constant(name + "_sqrt2", (float) Math.sqrt(2)))
                .apply(NetworkOperators.ERF).apply(ONNXOperators.ADD, onnx.constant(name + "_one", 1f))
                .apply(ONNXOperators.MUL, onnx.constant(name + "_half", 0.5f));
        return x.apply(ONNXOperators.MUL, cdf);
    }

    /** {@code x·Wᵀ + b} over the last axis of tokens. */
    private static ONNXRef<?> linear(ONNXRef<?> x, INDArray weight, INDArray bias, String name) {
        ONNXContext onnx = x.onnxContext();
        return x.apply(NetworkOperators.MAT_MUL, NetworkGraph.tensor(onnx, name + "_weight_t", weight.transpose()))
                .apply(ONNXOperators.ADD, NetworkGraph.tensor(onnx, name + "_bias", bias));
    }

    private static ONNXRef<?> dense(Layer dense, ONNXRef<?> x, String name) {
        return linear(x, dense.parameters().get("weight"), dense.parameters().get("bias"), name);
    }

    /** {@code [N, C, H, W]} to {@code [N, H·W, C]}. */
    private static ONNXRef<?> tokens(ONNXRef<?> image, int channels, String name) {
        return image.apply(NetworkOperators.RESHAPE, image.onnxContext().array(name + "_tokens",
                new long[]{0, channels, -1})).apply(NetworkOperators.TRANSPOSE, Map.of("perm", new int[]{0, 2, 1}));
    }

    private static ONNXRef<?> transformer(TransformerBlock block, ONNXRef<?> image, String name) {
        Map<String, Layer> parts = block.parts();
        ONNXRef<?> x = tokens(image, block.width(), name);
        ONNXRef<?> normed = layerNorm(parts.get("norm1"), x, name + "_norm1");
        ONNXRef<?> mid = x.apply(ONNXOperators.ADD, attention((MultiHeadAttention) parts.get("self_attn"), normed,
                normed, name + "_self_attn"));
        ONNXRef<?> mlp = dense(parts.get("linear1"), layerNorm(parts.get("norm2"), mid, name + "_norm2"),
                name + "_linear1");
        mlp = dense(parts.get("linear2"), gelu(mlp, name + "_activation"), name + "_linear2");
        return mid.apply(ONNXOperators.ADD, mlp).apply(NetworkOperators.TRANSPOSE, Map.of("perm", new int[]{0, 2, 1}))
                .apply(NetworkOperators.RESHAPE, image.apply(NetworkOperators.SHAPE));
    }

    private static ONNXRef<?> attentionPool(AttentionPool pool, ONNXRef<?> image, String name) {
        ONNXContext onnx = image.onnxContext();
        MultiHeadAttention attention = pool.attention();
        ONNXRef<?> query = NetworkGraph.tensor(onnx, name + "_query", pool.parameters().get("query"));
        ONNXRef<?> pooled = attention(attention, query, tokens(image, attention.width(), name), name + "_attn");
        return pooled.apply(NetworkOperators.RESHAPE, onnx.array(name + "_rows", new long[]{-1, attention.width()}));
    }

    /**
     * Multi-head attention of {@code [Nq, Lq, D]} queries ({@code Nq} is 1 or the batch) over {@code [N, L, D]}
     * tokens: {@code [N, Lq, D]}.
     */
    private static ONNXRef<?> attention(MultiHeadAttention attention, ONNXRef<?> queries, ONNXRef<?> tokens,
                                        String name) {
        ONNXContext onnx = queries.onnxContext();
        int width = attention.width();
        int heads = attention.heads();
        Map<String, INDArray> p = attention.parameters();
        ONNXRef<?>[] qkv = new ONNXRef<?>[3];
        String[] parts = {"q", "k", "v"};
        for (int i = 0; i < 3; i++) {
            INDArray rows = p.get("in_proj_weight").get(NDArrayIndex.interval((long) i * width,
                    (long) (i + 1) * width), NDArrayIndex.all());
            INDArray bias = p.get("in_proj_bias").get(NDArrayIndex.interval((long) i * width, (long) (i + 1) * width));
            qkv[i] = linear(i == 0 ? queries : tokens, rows, bias, name + "_in_proj_" + parts[i])
                    .apply(NetworkOperators.RESHAPE, onnx.array(name + "_heads_" + parts[i],
                            new long[]{0, 0, heads, width / heads}))
                    .apply(NetworkOperators.TRANSPOSE, Map.of("perm", i == 1 ? new int[]{0, 2, 3, 1}
                            : new int[]{0, 2, 1, 3}));
        }
        ONNXRef<?> weights = qkv[0].apply(NetworkOperators.MAT_MUL, qkv[1])
                .apply(ONNXOperators.MUL, onnx.constant(name + "_scale", (float) (1 / Math.sqrt(width / heads))))
                .apply(ONNXOperators.SOFTMAX, Map.of("axis", -1));
        ONNXRef<?> concatenated = weights.apply(NetworkOperators.MAT_MUL, qkv[2])
                .apply(NetworkOperators.TRANSPOSE, Map.of("perm", new int[]{0, 2, 1, 3}))
                .apply(NetworkOperators.RESHAPE, onnx.array(name + "_concat", new long[]{0, 0, width}));
        return linear(concatenated, p.get("out_proj.weight"), p.get("out_proj.bias"), name + "_out_proj");
    }

    private static ONNXRef<?> gem(GeMPool2d gem, ONNXRef<?> x, String name) {
        ONNXContext onnx = x.onnxContext();
        ONNXRef<?> p = NetworkGraph.tensor(onnx, name + "_p", gem.parameters().get("p"));
        return x.apply(NetworkOperators.MAX, onnx.constant(name + "_eps", (float) GeMPool2d.EPSILON))
                .apply(ONNXOperators.POW, p).apply(NetworkOperators.GLOBAL_AVERAGE_POOL)
                .apply(ONNXOperators.POW, onnx.constant(name + "_one", 1f).apply(ONNXOperators.DIV, p))
                .apply(NetworkOperators.FLATTEN, Map.of("axis", 1));
    }
}
