package org.dml4j.nn;

import org.dml4j.nd.Workspaces;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A sequence of {@link Layer}s mapping a {@code [batch, features]} matrix to a {@code [batch, embedding]} matrix.
 * <p>
 * Training: {@code forward(x, true)}, compute dL/d(embeddings) with a loss, {@code backwardParameters(dL)} (or
 * {@code backward(dL)} when dL/d(input) is wanted too), then step an optimizer on {@link #parameters()} with
 * {@link #gradients()}. Inference: {@link #embed}. Parameters, gradients and buffers are named
 * {@code <layer index>.<name>} as in a PyTorch {@code nn.Sequential} (e.g. {@code 0.weight}). Not thread-safe: each training thread needs its own {@link #copy()}.
 */
public final class EmbeddingNetwork {

    private static final String EMBED_WORKSPACE = "DML4J_EMBED";

    private final List<Layer> layers;

    /**
     * Creates a network from its layers, applied in order.
     *
     * @param layers the layers (at least one)
     */
    public EmbeddingNetwork(List<Layer> layers) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("an EmbeddingNetwork needs at least one layer");
        }
        this.layers = List.copyOf(layers);
    }

    /**
     * Runs the layers in inference mode (no dropout, running batch-norm statistics): the values of
     * {@code forward(input, false)}, with each convolution and the batch normalization, ReLU and pooling after it fused
     * into one pass and no backward caches kept. The intermediate arrays live in a
     * workspace reused by every call on this thread (as a training step's), so a series of calls does not leave
     * garbage off the Java heap for the collector; the result is copied out of it.
     *
     * @param input {@code [batch, features]}
     * @return the embeddings, {@code [batch, embedding]}
     */
    public INDArray embed(INDArray input) {
        try (MemoryWorkspace ignored = Workspaces.pass(EMBED_WORKSPACE)) {
            return InferencePass.run(layers, input).detach();
        }
    }

    /**
     * Runs the layers in inference mode over many rows, {@code blockSize} at a time, so the activations stay small.
     *
     * @param rows      {@code [n, features]}
     * @param blockSize the rows per forward pass
     * @return the embeddings, {@code [n, embedding]}
     */
    public INDArray embedInBlocks(INDArray rows, int blockSize) {
        long n = rows.rows();
        INDArray out = null;
        for (long start = 0; start < n; start += blockSize) {
            long end = Math.min(n, start + blockSize);
            INDArray block = embed(rows.get(NDArrayIndex.interval(start, end), NDArrayIndex.all()));
            if (out == null) {
                out = Nd4j.create(block.dataType(), n, block.columns());
            }
            out.get(NDArrayIndex.interval(start, end), NDArrayIndex.all()).assign(block);
        }
        return out;
    }

    /**
     * Starts training step {@code step} in every layer (see {@link Layer#beginStep}); a trainer calls it before each
     * step's forward passes.
     *
     * @param step the number of optimizer steps taken before this one
     */
    public void beginStep(long step) {
        for (Layer layer : layers) {
            layer.beginStep(step);
        }
    }

    /**
     * Runs the layers, keeping what {@link #backward} needs; batch normalizations of images run the ReLU and pooling
     * after them in their own passes ({@link TrainingPass}).
     *
     * @param input    {@code [batch, features]}
     * @param training true while training
     * @return the embeddings
     */
    public INDArray forward(INDArray input, boolean training) {
        INDArray x = input;
        for (TrainingPass.Unit unit : TrainingPass.units(layers)) {
            x = TrainingPass.forward(layers, unit, x, training);
        }
        return x;
    }

    /**
     * Back-propagates dL/d(embeddings) through the last forward pass and stores every layer's parameter gradients.
     *
     * @param gradEmbeddings dL/d(embeddings)
     * @return dL/d(input)
     */
    public INDArray backward(INDArray gradEmbeddings) {
        return backward(gradEmbeddings, true);
    }

    /**
     * Back-propagates dL/d(embeddings) through the last forward pass and stores every layer's parameter gradients,
     * without the gradient with respect to the input (what training needs; the first layer skips a matrix product).
     *
     * @param gradEmbeddings dL/d(embeddings)
     */
    public void backwardParameters(INDArray gradEmbeddings) {
        backward(gradEmbeddings, false);
    }

    private INDArray backward(INDArray gradEmbeddings, boolean inputGradient) {
        // Without the input gradient, a layer needs dL/d(its input) only if a layer before it has parameters: the
        // first convolution after an Unflatten skips it too.
        int firstWeighted = 0;
        while (firstWeighted < layers.size() - 1 && layers.get(firstWeighted).parameters().isEmpty()) {
            firstWeighted++;
        }
        INDArray g = gradEmbeddings;
        List<TrainingPass.Unit> units = TrainingPass.units(layers);
        for (int u = units.size() - 1; u >= 0; u--) {
            TrainingPass.Unit unit = units.get(u);
            g = TrainingPass.backward(layers, unit, g, unit.start() > firstWeighted || inputGradient);
            if (g == null) {
                break;
            }
        }
        return g;
    }

    /** @return the trainable parameters by qualified name; live arrays, in layer order */
    public Map<String, INDArray> parameters() {
        return collect(Layer::parameters);
    }

    /** @return the gradients of the last backward pass by the names of {@link #parameters()} */
    public Map<String, INDArray> gradients() {
        return collect(Layer::gradients);
    }

    /** @return the non-trainable buffers (batch-norm running averages) by qualified name; live arrays */
    public Map<String, INDArray> buffers() {
        return collect(Layer::buffers);
    }

    private Map<String, INDArray> collect(Function<Layer, Map<String, INDArray>> part) {
        Map<String, INDArray> all = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            for (Map.Entry<String, INDArray> e : part.apply(layers.get(i)).entrySet()) {
                all.put(i + "." + e.getKey(), e.getValue());
            }
        }
        return Collections.unmodifiableMap(all);
    }

    /** @return the number of trainable scalars */
    public long parameterCount() {
        long count = 0;
        for (INDArray p : parameters().values()) {
            count += p.length();
        }
        return count;
    }

    /** @return the layers, in order */
    public List<Layer> layers() {
        return layers;
    }

    /** @return a deep copy (parameters, buffers and dropout state), independent of this network */
    public EmbeddingNetwork copy() {
        List<Layer> copies = new ArrayList<>(layers.size());
        for (Layer layer : layers) {
            copies.add(layer.copy());
        }
        return new EmbeddingNetwork(copies);
    }

    @Override
    public String toString() {
        return "EmbeddingNetwork" + layers + " (" + parameterCount() + " parameters)";
    }
}
