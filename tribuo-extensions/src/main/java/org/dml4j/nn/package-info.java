/**
 * Embedding networks built from ND4J arrays with hand-written backward passes: the {@link org.dml4j.nn.Layer}s
 * ({@link org.dml4j.nn.Dense}, {@link org.dml4j.nn.Conv2d}, {@link org.dml4j.nn.MaxPool2d},
 * {@link org.dml4j.nn.BatchNorm1d}, {@link org.dml4j.nn.BatchNorm2d}, {@link org.dml4j.nn.ReLU},
 * {@link org.dml4j.nn.Tanh}, {@link org.dml4j.nn.Dropout}, {@link org.dml4j.nn.Flatten},
 * {@link org.dml4j.nn.Unflatten}, {@link org.dml4j.nn.L2Normalize}), the {@link org.dml4j.nn.EmbeddingNetwork} that
 * chains them, and the configurable {@link org.dml4j.nn.NetworkSpec}s ({@link org.dml4j.nn.MlpSpec},
 * {@link org.dml4j.nn.CnnSpec}, parsed from {@code mlp:512,128} or {@code cnn:32,64,128} by
 * {@link org.dml4j.nn.NetworkSpecs}) that build them with PyTorch's default initialization.
 * <p>
 * No SameDiff and no Deeplearning4j: plain INDArray layers measured fastest for the batch-256 MLP step and every
 * backward pass here is finite-difference checked in the tests. Layouts follow PyTorch (weights
 * {@code [out, in]} and {@code [out, in, kh, kw]}, images NCHW, parameter names {@code weight}, {@code bias},
 * {@code running_mean}, {@code running_var}) so that weights can be compared with or exported from PyTorch.
 */
package org.dml4j.nn;
