package org.dml4j.nn;

import org.dml4j.nn.onnx.AllOpsGraph;
import org.dml4j.nn.onnx.OnnxBackbone;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.List;

/**
 * Finite-difference checks in float64 of the backward pass through an imported ONNX graph that holds every supported
 * operator ({@link AllOpsGraph}, float32 weights loaded as float64): grouped, dilated and asymmetric convolutions,
 * batch normalization with batch statistics (training mode), pooling, a residual Add whose
 * input fans out, Concat, Gemm, MatMul, Gelu, Clip, Sigmoid, Erf and Reshape.
 */
class OnnxGraphGradientTest {

    @Test
    void gradientsThroughEveryOperatorMatchFiniteDifferences() {
        int[] image = AllOpsGraph.IMAGE;
        EmbeddingNetwork net = new EmbeddingNetwork(List.of(new Unflatten(image[0], image[1], image[2]),
                OnnxBackbone.parse(AllOpsGraph.model().toByteArray(), "all-ops").layer(DataType.DOUBLE)));
        GradientCheck.check(net, GradientCheck.normal(3, 2, (long) image[0] * image[1] * image[2]), true);
    }
}
