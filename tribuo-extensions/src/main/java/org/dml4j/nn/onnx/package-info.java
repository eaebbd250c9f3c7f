/**
 * Import of ONNX vision backbones as trainable DML4J networks: {@link org.dml4j.nn.onnx.OnnxBackbone} reads a model
 * exported from PyTorch (or a model zoo) and builds a {@link org.dml4j.nn.onnx.GraphLayer} that runs its nodes as
 * DML4J operations with hand-written backward passes (convolutions, pooling, normalization, element-wise operators
 * with broadcasting, softmax, transposes and batched matrix products, enough for attention blocks), so a pretrained
 * network is fine-tuned by DML4J's optimizers;
 * {@link org.dml4j.nn.onnx.OnnxNetworkSpec} ({@code onnx:model.onnx} on the command line) makes it the network of a
 * {@code MetricLearningTrainer}, with an optional embedding head.
 */
package org.dml4j.nn.onnx;
