package org.dml4j.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** The arrays of a composite layer's named parts, each keyed {@code part.key} as PyTorch names submodules. */
final class NamedParts {

    private NamedParts() {
    }

    /**
     * @param parts the parts by name, in order
     * @param part  which arrays of a part (its parameters, gradients or buffers)
     * @return every part's arrays under {@code name.key}, in order
     */
    static Map<String, INDArray> collect(Map<String, Layer> parts, Function<Layer, Map<String, INDArray>> part) {
        Map<String, INDArray> all = new LinkedHashMap<>();
        parts.forEach((name, layer) -> part.apply(layer).forEach((key, value) -> all.put(name + "." + key, value)));
        return all;
    }
}
