package org.dml4j.onnx;

import org.dml4j.nn.BatchNorm1d;
import org.dml4j.nn.BatchNorm2d;
import org.dml4j.nn.Conv2d;
import org.dml4j.nn.Dense;
import org.dml4j.nn.Dropout;
import org.dml4j.nn.EmbeddingNetwork;
import org.dml4j.nn.Flatten;
import org.dml4j.nn.GlobalAvgPool2d;
import org.dml4j.nn.L2Normalize;
import org.dml4j.nn.Layer;
import org.dml4j.nn.MaxPool2d;
import org.dml4j.nn.ReLU;
import org.dml4j.nn.ResidualBlock;
import org.dml4j.nn.Tanh;
import org.dml4j.nn.Unflatten;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXInitializer;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXOperator;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXRef;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes an {@link EmbeddingNetwork} into an ONNX graph as it computes at inference: image layers work on NCHW
 * tensors (the network's own CNHW layout is an implementation detail), {@link Dropout} is the identity, batch
 * normalization uses the running statistics. Weights are read through the layers' public
 * {@link Layer#parameters()} and {@link Layer#buffers()}, as float32 initializers named after the network's
 * parameters ({@code 0_weight}, {@code 2_conv1_weight}, ...).
 * <p>
 * Every layer the library builds is covered (the attention blocks, layer normalization and GeM pooling through
 * {@link BlockGraph}); a layer without a case here is rejected with an error that names it (its position and class),
 * so a new block fails loudly until it gets one.
 */
public final class NetworkGraph {

    /** {@link L2Normalize}'s lower bound on a norm (PyTorch's {@code F.normalize}). */
    private static final float NORM_FLOOR = 1e-12f;

    private NetworkGraph() {
    }

    /**
     * Writes the network's layers after {@code input}.
     *
     * @param network the network (its arrays are read, not changed)
     * @param input   the {@code [batch, features]} float32 input in the graph
     * @return the {@code [batch, embedding]} output node
     * @throws IllegalArgumentException naming the first layer that cannot be exported
     */
    public static ONNXNode write(EmbeddingNetwork network, ONNXRef<?> input) {
        ONNXRef<?> x = input;
        List<Layer> layers = network.layers();
        for (int i = 0; i < layers.size(); i++) {
            x = layer(layers.get(i), x, Integer.toString(i), "layer " + i);
        }
        return x instanceof ONNXNode node ? node : x.apply(ONNXOperators.IDENTITY);
    }

    private static ONNXRef<?> layer(Layer layer, ONNXRef<?> x, String name, String where) {
        ONNXContext onnx = x.onnxContext();
        if (layer instanceof Dense) {
            return op(ONNXOperators.GEMM, List.of(x, tensor(onnx, name, layer, "weight"), tensor(onnx, name, layer,
                    "bias")), Map.of("transB", 1));
        } else if (layer instanceof ReLU) {
            return x.apply(NetworkOperators.RELU);
        } else if (layer instanceof Tanh) {
            return x.apply(NetworkOperators.TANH);
        } else if (layer instanceof Dropout) {
            return x;
        } else if (layer instanceof BatchNorm1d || layer instanceof BatchNorm2d) {
            return op(NetworkOperators.BATCH_NORMALIZATION, List.of(x, tensor(onnx, name, layer, "weight"),
                    tensor(onnx, name, layer, "bias"), tensor(onnx, name, layer, "running_mean"),
                    tensor(onnx, name, layer, "running_var")), Map.of("epsilon", (float) BatchNorm1d.EPSILON));
        } else if (layer instanceof Conv2d conv) {
            int k = conv.kernel();
            int p = conv.padding();
            return op(NetworkOperators.CONV, List.of(x, tensor(onnx, name, layer, "weight"), tensor(onnx, name,
                    layer, "bias")), Map.of("kernel_shape", new int[]{k, k}, "strides",
                    new int[]{conv.stride(), conv.stride()}, "pads", new int[]{p, p, p, p}));
        } else if (layer instanceof MaxPool2d pool) {
            return x.apply(NetworkOperators.MAX_POOL, Map.of("kernel_shape", new int[]{pool.kernel(), pool.kernel()},
                    "strides", new int[]{pool.stride(), pool.stride()}));
        } else if (layer instanceof Unflatten unflatten) {
            int[] image = unflatten.imageShape();
            return x.apply(NetworkOperators.RESHAPE, onnx.array(name + "_shape",
                    new long[]{-1, image[0], image[1], image[2]}));
        } else if (layer instanceof Flatten) {
            return x.apply(NetworkOperators.FLATTEN, Map.of("axis", 1));
        } else if (layer instanceof GlobalAvgPool2d) {
            return x.apply(NetworkOperators.GLOBAL_AVERAGE_POOL).apply(NetworkOperators.FLATTEN, Map.of("axis", 1));
        } else if (layer instanceof L2Normalize) {
            ONNXNode norm = x.apply(NetworkOperators.REDUCE_L2, Map.of("axes", new int[]{1}, "keepdims", 1));
            ONNXNode floored = norm.apply(NetworkOperators.MAX, onnx.constant(name + "_norm_floor", NORM_FLOOR));
            return x.apply(ONNXOperators.DIV, floored);
        } else if (layer instanceof ResidualBlock block) {
            return residual(block, x, name, where);
        }
        ONNXRef<?> block = BlockGraph.write(layer, x, name);
        if (block != null) {
            return block;
        }
        throw new IllegalArgumentException("Cannot export " + where + " (" + layer + ", "
                + layer.getClass().getName() + ") to ONNX: org.dml4j.onnx.NetworkGraph has no ONNX operators for"
                + " it; export a network built from the library's layers, or add a case for this layer there");
    }

    /** The block's main path and shortcut (see {@link ResidualBlock}), added, then the rectifier. */
    private static ONNXRef<?> residual(ResidualBlock block, ONNXRef<?> x, String name, String where) {
        Map<String, Layer> parts = block.parts();
        ONNXRef<?> main = x;
        for (String part : List.of("conv1", "bn1", "relu", "conv2", "bn2")) {
            main = part(parts, part, main, name, where);
        }
        ONNXRef<?> shortcut = x;
        if (parts.containsKey("downsample.0")) {
            shortcut = part(parts, "downsample.1", part(parts, "downsample.0", x, name, where), name, where);
        }
        return main.apply(ONNXOperators.ADD, shortcut).apply(NetworkOperators.RELU);
    }

    private static ONNXRef<?> part(Map<String, Layer> parts, String part, ONNXRef<?> x, String name, String where) {
        return layer(parts.get(part), x, name + "_" + part.replace('.', '_'), where + " (" + part + ")");
    }

    /**
     * Applies an operator.
     *
     * @param operator   the operator
     * @param inputs     its inputs
     * @param attributes its attributes
     * @return its output
     */
    static ONNXNode op(ONNXOperator operator, List<ONNXRef<?>> inputs, Map<String, Object> attributes) {
        return inputs.get(0).onnxContext().operation(operator, inputs, operator.getOpName().toLowerCase(Locale.ROOT),
                attributes);
    }

    /** A float32 initializer with the layer's parameter or buffer {@code key}. */
    private static ONNXInitializer tensor(ONNXContext onnx, String name, Layer layer, String key) {
        INDArray array = layer.parameters().containsKey(key) ? layer.parameters().get(key) : layer.buffers().get(key);
        return tensor(onnx, name + "_" + key, array);
    }

    /**
     * A float32 initializer.
     *
     * @param onnx  the graph
     * @param name  its name
     * @param array its values and shape
     * @return the initializer
     */
    static ONNXInitializer tensor(ONNXContext onnx, String name, INDArray array) {
        float[] values = array.castTo(DataType.FLOAT).dup('c').data().asFloat(); // a fresh buffer: exactly its values
        List<Integer> dims = new ArrayList<>();
        Arrays.stream(array.shape()).forEach(d -> dims.add(Math.toIntExact(d)));
        return onnx.floatTensor(name, dims, buffer -> buffer.put(values));
    }
}
