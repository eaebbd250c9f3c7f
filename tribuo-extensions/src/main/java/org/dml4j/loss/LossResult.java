package org.dml4j.loss;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * The value of a loss on one batch and its gradients.
 *
 * @param value              the loss value
 * @param embeddingGradient  dL/d(embeddings), B × d
 * @param parameterGradients dL/d(parameter) for each of {@link MetricLoss#parameters()}, by the same names
 */
public record LossResult(double value, INDArray embeddingGradient, Map<String, INDArray> parameterGradients) {
}
