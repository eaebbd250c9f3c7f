package org.dml4j.nn;

import org.dml4j.nd.ColumnSums;
import org.dml4j.nd.HostArrays;
import org.dml4j.nd.MatrixProducts;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Multi-head scaled dot-product attention (Vaswani et al., 2017) as PyTorch's
 * {@code nn.MultiheadAttention(width, heads, batch_first=True)} without dropout or masks: queries, keys and values are
 * projected by the rows of {@code in_proj_weight [3·width, width]} (query, key, value) plus {@code in_proj_bias},
 * split into {@code heads} heads of {@code width/heads}, each head computes {@code softmax(Q·Kᵀ/√(width/heads))·V},
 * and the concatenated heads go through {@code out_proj.weight [width, width]} and {@code out_proj.bias}. Initialized
 * as PyTorch does: {@code in_proj_weight} Xavier-uniform, {@code out_proj.weight} as a {@link Dense} weight, both
 * biases zero.
 * <p>
 * As a {@link Layer} it is self-attention over {@code [batch, tokens, width]} tokens; {@link #attend} lets queries
 * differ from the tokens (an {@link AttentionPool}'s learned query). The projections are matrix products in the
 * parameters' type; the attention itself is computed in float64 on host copies.
 */
public final class MultiHeadAttention implements Layer {

    private final int width;
    private final int heads;
    private final INDArray inWeight;
    private final INDArray inBias;
    private final INDArray outWeight;
    private final INDArray outBias;
    private Map<String, INDArray> gradients = Map.of();
    private Pass pass;

    /** What the backward pass needs from the last forward pass. */
    private record Pass(INDArray queryInput, INDArray tokenInput, long[] queryShape, long[] tokenShape, double[] q,
                        double[] k, double[] v, double[] attention, INDArray heads) {
    }

    /**
     * Creates an attention layer with PyTorch's initialization.
     *
     * @param width    the token width (the embedding dimension)
     * @param heads    the number of heads, dividing {@code width}
     * @param rng      the random source for the initialization
     * @param dataType the parameters' type
     */
    public MultiHeadAttention(int width, int heads, SplittableRandom rng, DataType dataType) {
        this(width, heads, xavier(width, heads, rng, dataType), Nd4j.zeros(dataType, 3L * width),
                PyTorchInit.uniform(new long[]{width, width}, width, rng, dataType), Nd4j.zeros(dataType, width));
    }

    private MultiHeadAttention(int width, int heads, INDArray inWeight, INDArray inBias, INDArray outWeight,
                               INDArray outBias) {
        this.width = width;
        this.heads = heads;
        this.inWeight = inWeight;
        this.inBias = inBias;
        this.outWeight = outWeight;
        this.outBias = outBias;
    }

    /** {@code xavier_uniform_} of the {@code [3·width, width]} input projection: {@code U(±√(6/(4·width)))}. */
    private static INDArray xavier(int width, int heads, SplittableRandom rng, DataType dataType) {
        if (width <= 0 || heads <= 0 || width % heads != 0) {
            throw new IllegalArgumentException("attention needs a positive width divisible by the number of heads, "
                    + "found width " + width + " and " + heads + " heads");
        }
        // U(-1, 1) draws (PyTorchInit with fan-in 1) scaled to Xavier's bound sqrt(6/(fanIn + fanOut))
        double bound = Math.sqrt(6.0 / (4.0 * width));
        return PyTorchInit.uniform(new long[]{3L * width, width}, 1, rng, DataType.DOUBLE).muli(bound)
                .castTo(dataType);
    }

    /** @return the token width */
    public int width() {
        return width;
    }

    /** @return the number of heads */
    public int heads() {
        return heads;
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        return attend(input, input);
    }

    /**
     * Attention of {@code queries} over {@code tokens}.
     *
     * @param queries {@code [batch, queries, width]}, or {@code [1, queries, width]} shared by the whole batch
     * @param tokens  {@code [batch, tokens, width]}, the keys and values
     * @return {@code [batch, queries, width]}
     */
    public INDArray attend(INDArray queries, INDArray tokens) {
        check(tokens, "tokens");
        check(queries, "queries");
        if (queries.size(0) != 1 && queries.size(0) != tokens.size(0)) {
            throw new IllegalArgumentException("attention queries must be one set for the batch or one per example, "
                    + "found " + queries.size(0) + " sets for " + tokens.size(0) + " examples");
        }
        INDArray xq = rows(queries);
        INDArray xt = rows(tokens);
        double[] q = HostArrays.doubles(project(xq, 0));
        double[] k = HostArrays.doubles(project(xt, 1));
        double[] v = HostArrays.doubles(project(xt, 2));
        int n = (int) tokens.size(0);
        int lq = (int) queries.size(1);
        int lt = (int) tokens.size(1);
        int d = width / heads;
        double scale = 1 / Math.sqrt(d);
        double[] attention = new double[n * heads * lq * lt];
        double[] out = new double[n * lq * width];
        for (int b = 0; b < n; b++) {
            int bq = queries.size(0) == 1 ? 0 : b;
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < lq; i++) {
                    int a = ((b * heads + h) * lq + i) * lt;
                    int qi = (bq * lq + i) * width + h * d;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < lt; j++) {
                        int kj = (b * lt + j) * width + h * d;
                        double s = 0;
                        for (int e = 0; e < d; e++) {
                            s += q[qi + e] * k[kj + e];
                        }
                        attention[a + j] = s * scale;
                        max = Math.max(max, attention[a + j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < lt; j++) {
                        attention[a + j] = Math.exp(attention[a + j] - max);
                        sum += attention[a + j];
                    }
                    int oi = (b * lq + i) * width + h * d;
                    for (int j = 0; j < lt; j++) {
                        attention[a + j] /= sum;
                        int vj = (b * lt + j) * width + h * d;
                        for (int e = 0; e < d; e++) {
                            out[oi + e] += attention[a + j] * v[vj + e];
                        }
                    }
                }
            }
        }
        INDArray concatenated = HostArrays.create(out, tokens.dataType(), (long) n * lq, width);
        pass = new Pass(xq, xt, queries.shape(), tokens.shape(), q, k, v, attention, concatenated);
        return MatrixProducts.product(concatenated, outWeight, false, true).addiRowVector(outBias).reshape('c', n, lq, width);
    }

    private void check(INDArray x, String what) {
        if (x.rank() != 3 || x.size(2) != width) {
            throw new IllegalArgumentException("MultiHeadAttention expects [batch, positions, " + width + "] " + what
                    + ", found " + Arrays.toString(x.shape()));
        }
    }

    private static INDArray rows(INDArray x) {
        return x.dup('c').reshape('c', x.size(0) * x.size(1), x.size(2));
    }

    /** Rows {@code [part·width, (part + 1)·width)} of the input projection applied to {@code x}. */
    private INDArray project(INDArray x, int part) {
        return MatrixProducts.product(x, block(inWeight, part), false, true).addiRowVector(block(inBias, part));
    }

    private INDArray block(INDArray array, int part) {
        return array.rank() == 1 ? array.get(NDArrayIndex.interval((long) part * width, (long) (part + 1) * width))
                : array.get(NDArrayIndex.interval((long) part * width, (long) (part + 1) * width), NDArrayIndex.all())
                .dup('c');
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        INDArray[] g = backwardAttend(gradOutput);
        return g[0].addi(g[1]);
    }

    /**
     * Back-propagates through the last {@link #attend} (or {@link #forward}) and stores the parameter gradients.
     *
     * @param gradOutput dL/d(output), {@code [batch, queries, width]}
     * @return dL/d(queries) (summed over the batch when the queries were shared) and dL/d(tokens)
     */
    public INDArray[] backwardAttend(INDArray gradOutput) {
        Pass p = ForwardCache.require(pass, "MultiHeadAttention");
        INDArray g = rows(gradOutput);
        INDArray outWeightGrad = MatrixProducts.product(g, p.heads(), true, false);
        INDArray outBiasGrad = ColumnSums.of(g);
        double[] dHeads = HostArrays.doubles(MatrixProducts.product(g, outWeight, false, false));
        int n = (int) p.tokenShape()[0];
        int lt = (int) p.tokenShape()[1];
        int nq = (int) p.queryShape()[0];
        int lq = (int) p.queryShape()[1];
        int d = width / heads;
        double scale = 1 / Math.sqrt(d);
        double[] dq = new double[p.q().length];
        double[] dk = new double[p.k().length];
        double[] dv = new double[p.v().length];
        double[] dScores = new double[lt];
        for (int b = 0; b < n; b++) {
            int bq = nq == 1 ? 0 : b;
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < lq; i++) {
                    int a = ((b * heads + h) * lq + i) * lt;
                    int oi = (b * lq + i) * width + h * d;
                    int qi = (bq * lq + i) * width + h * d;
                    double weighted = 0;
                    for (int j = 0; j < lt; j++) {
                        int vj = (b * lt + j) * width + h * d;
                        double s = 0;
                        for (int e = 0; e < d; e++) {
                            s += dHeads[oi + e] * p.v()[vj + e];
                            dv[vj + e] += p.attention()[a + j] * dHeads[oi + e];
                        }
                        dScores[j] = s;
                        weighted += s * p.attention()[a + j];
                    }
                    for (int j = 0; j < lt; j++) {
                        double ds = p.attention()[a + j] * (dScores[j] - weighted) * scale;
                        int kj = (b * lt + j) * width + h * d;
                        for (int e = 0; e < d; e++) {
                            dq[qi + e] += ds * p.k()[kj + e];
                            dk[kj + e] += ds * p.q()[qi + e];
                        }
                    }
                }
            }
        }
        DataType type = inWeight.dataType();
        INDArray[] projected = {HostArrays.create(dq, type, (long) nq * lq, width),
                HostArrays.create(dk, type, (long) n * lt, width), HostArrays.create(dv, type, (long) n * lt, width)};
        INDArray[] inputs = {p.queryInput(), p.tokenInput(), p.tokenInput()};
        INDArray inWeightGrad = Nd4j.create(type, 3L * width, width);
        INDArray inBiasGrad = Nd4j.create(type, 3L * width);
        INDArray queryGrad = null;
        INDArray tokenGrad = null;
        for (int part = 0; part < 3; part++) {
            inWeightGrad.get(NDArrayIndex.interval((long) part * width, (long) (part + 1) * width),
                    NDArrayIndex.all()).assign(MatrixProducts.product(projected[part], inputs[part], true, false));
            block(inBiasGrad, part).assign(ColumnSums.of(projected[part]));
            INDArray inputGrad = MatrixProducts.product(projected[part], block(inWeight, part), false, false);
            if (part == 0) {
                queryGrad = inputGrad;
            } else {
                tokenGrad = tokenGrad == null ? inputGrad : tokenGrad.addi(inputGrad);
            }
        }
        Map<String, INDArray> grads = new LinkedHashMap<>();
        grads.put("in_proj_weight", inWeightGrad);
        grads.put("in_proj_bias", inBiasGrad);
        grads.put("out_proj.weight", outWeightGrad);
        grads.put("out_proj.bias", outBiasGrad);
        gradients = grads;
        return new INDArray[]{queryGrad.reshape('c', p.queryShape()), tokenGrad.reshape('c', p.tokenShape())};
    }

    @Override
    public Map<String, INDArray> parameters() {
        Map<String, INDArray> params = new LinkedHashMap<>();
        params.put("in_proj_weight", inWeight);
        params.put("in_proj_bias", inBias);
        params.put("out_proj.weight", outWeight);
        params.put("out_proj.bias", outBias);
        return params;
    }

    @Override
    public Map<String, INDArray> gradients() {
        return gradients;
    }

    @Override
    public Layer copy() {
        return new MultiHeadAttention(width, heads, inWeight.dup(), inBias.dup(), outWeight.dup(), outBias.dup());
    }

    @Override
    public String toString() {
        return "MultiHeadAttention(" + width + ", heads=" + heads + ")";
    }
}
