package org.dml4j.nn.onnx;

import org.dml4j.nn.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A one-input {@link GraphOp} backed by a DML4J {@link Layer} ({@code Conv2d}, {@code BatchNorm2d}), whose parameter
 * and buffer names ({@code weight}, {@code running_mean}) are renamed to the ONNX initializers they came from. A layer
 * parameter without an ONNX name (the bias of a convolution the model has none for) is hidden from training and stays
 * as the importer set it (zero).
 */
final class LayerOp implements GraphOp {

    private final Layer layer;
    private final Map<String, String> names;

    /**
     * Wraps a layer.
     *
     * @param layer the layer
     * @param names the ONNX name of each exposed layer parameter or buffer, by the layer's name for it
     */
    LayerOp(Layer layer, Map<String, String> names) {
        this.layer = layer;
        this.names = Map.copyOf(names);
    }

    @Override
    public INDArray forward(INDArray[] inputs, boolean training) {
        return layer.forward(inputs[0], training);
    }

    @Override
    public INDArray[] backward(INDArray gradOutput, boolean[] wanted) {
        return new INDArray[]{layer.backward(gradOutput, wanted[0])};
    }

    @Override
    public Map<String, INDArray> parameters() {
        return renamed(layer.parameters());
    }

    @Override
    public Map<String, INDArray> gradients() {
        return renamed(layer.gradients());
    }

    @Override
    public Map<String, INDArray> buffers() {
        return renamed(layer.buffers());
    }

    private Map<String, INDArray> renamed(Map<String, INDArray> arrays) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        arrays.forEach((name, array) -> {
            String onnxName = names.get(name);
            if (onnxName != null) {
                out.put(onnxName, array);
            }
        });
        return out;
    }

    @Override
    public GraphOp copy() {
        return new LayerOp(layer.copy(), names);
    }

    @Override
    public String toString() {
        return layer.toString();
    }
}
