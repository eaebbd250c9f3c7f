/**
 * Embedding networks built from ND4J arrays with hand-written backward passes: the {@link org.dml4j.nn.Layer}s
 * ({@link org.dml4j.nn.Dense}, {@link org.dml4j.nn.Conv2d}, {@link org.dml4j.nn.MaxPool2d},
 * {@link org.dml4j.nn.BatchNorm1d}, {@link org.dml4j.nn.BatchNorm2d}, {@link org.dml4j.nn.ReLU},
 * {@link org.dml4j.nn.Tanh}, {@link org.dml4j.nn.Dropout}, {@link org.dml4j.nn.Flatten},
 * {@link org.dml4j.nn.Unflatten}, {@link org.dml4j.nn.ResidualBlock}, {@link org.dml4j.nn.GlobalAvgPool2d},
 * {@link org.dml4j.nn.L2Normalize}, and the attention and pooling blocks {@link org.dml4j.nn.LayerNorm},
 * {@link org.dml4j.nn.GELU}, {@link org.dml4j.nn.MultiHeadAttention}, {@link org.dml4j.nn.TransformerBlock},
 * {@link org.dml4j.nn.AttentionPool} and {@link org.dml4j.nn.GeMPool2d}), the
 * {@link org.dml4j.nn.EmbeddingNetwork} that chains them, and the configurable {@link org.dml4j.nn.NetworkSpec}s
 * ({@link org.dml4j.nn.MlpSpec},
 * {@link org.dml4j.nn.CnnSpec}, {@link org.dml4j.nn.ResNetSpec}, parsed from {@code mlp:512,128},
 * {@code cnn:32,64,128} (or {@code cnn:32,64,attn4,128:pool=gem}) or {@code resnet:16,32,64,128} by
 * {@link org.dml4j.nn.NetworkSpecs}) that build them with PyTorch's default initialization.
 * <p>
 * No SameDiff and no Deeplearning4j: plain INDArray layers measured fastest for the batch-256 MLP step and every
 * backward pass here is finite-difference checked in the tests. Layouts follow PyTorch (weights
 * {@code [out, in]} and {@code [out, in, kh, kw]}, input rows in NCHW order, parameter names {@code weight},
 * {@code bias}, {@code running_mean}, {@code running_var}) so that weights can be compared with or exported from
 * PyTorch. Between image layers a batch travels channel-major, {@code [C, N, H, W]}, so that a convolution over the
 * batch is one matrix product and no layer permutes (see {@code ImageBatch}); the image layers' element-wise work is
 * Java loops over host copies, which beat ND4J's strided ops there.
 */
package org.dml4j.nn;
