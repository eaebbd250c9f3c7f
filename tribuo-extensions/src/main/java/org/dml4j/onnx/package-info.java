/**
 * ONNX export of embedding networks, on Tribuo's ONNX graph writer ({@code tribuo-util-onnx}):
 * {@link org.dml4j.onnx.NetworkGraph} writes every layer of an {@link org.dml4j.nn.EmbeddingNetwork} as ONNX
 * operators (opset 13, the set Tribuo's writer declares), the ones Tribuo's {@code ONNXOperators} lacks coming from
 * {@link org.dml4j.onnx.NetworkOperators}. {@link org.dml4j.model.EmbeddingModel} uses it to implement Tribuo's
 * {@code ONNXExportable}: the graph maps the Tribuo feature vector (features in id order, float32) to the embedding.
 */
package org.dml4j.onnx;
