package org.dml4j.nn.onnx;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One node of a {@link GraphLayer}: a differentiable operation over one or more input values. Like a
 * {@link org.dml4j.nn.Layer} it is stateful ({@link #backward} applies to the last {@link #forward}); its parameters,
 * gradients and buffers are named by the ONNX initializers they were loaded from.
 */
interface GraphOp {

    /**
     * Computes the output, keeping what the backward pass needs.
     *
     * @param inputs   the input values, in the node's input order (image batches in the CNHW layout)
     * @param training true while training
     * @return the output value
     */
    INDArray forward(INDArray[] inputs, boolean training);

    /**
     * Back-propagates through the last forward pass and stores the parameter gradients.
     *
     * @param gradOutput dL/d(output)
     * @param wanted     which inputs' gradients are needed
     * @return dL/d(input) per input; an entry is null where it was not wanted
     */
    INDArray[] backward(INDArray gradOutput, boolean[] wanted);

    /** @return the trainable parameters by ONNX initializer name; live arrays */
    default Map<String, INDArray> parameters() {
        return Map.of();
    }

    /** @return the gradients of the last backward pass, by the names of {@link #parameters()} */
    default Map<String, INDArray> gradients() {
        return Map.of();
    }

    /** @return the non-trainable state inference depends on (batch-norm running statistics), by name; live */
    default Map<String, INDArray> buffers() {
        return Map.of();
    }

    /** @return a deep copy of the parameters and buffers, without the forward cache */
    GraphOp copy();

    /**
     * The parameters of an op with a weight and an optional bias, in that order.
     *
     * @param weightName the weight's ONNX initializer name
     * @param weight     the weight
     * @param biasName   the bias's name (unused without a bias)
     * @param bias       the bias, or null
     * @return the parameters by name
     */
    static Map<String, INDArray> weightAndBias(String weightName, INDArray weight, String biasName, INDArray bias) {
        Map<String, INDArray> params = new LinkedHashMap<>();
        params.put(weightName, weight);
        if (bias != null) {
            params.put(biasName, bias);
        }
        return params;
    }
}
