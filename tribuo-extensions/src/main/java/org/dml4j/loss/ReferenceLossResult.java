package org.dml4j.loss;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The value of a loss of queries against a reference set and its gradients with respect to both sets
 * ({@link MetricLoss#compute(INDArray, int[], org.dml4j.mining.IndexTuples, INDArray, int[])}).
 *
 * @param value             the loss value
 * @param queryGradient     dL/d(queries), B × d
 * @param referenceGradient dL/d(references), N × d
 */
public record ReferenceLossResult(double value, INDArray queryGradient, INDArray referenceGradient) {
}
