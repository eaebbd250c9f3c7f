/**
 * Optimizers and learning-rate schedules with PyTorch's semantics, for the named parameter arrays of an
 * {@link org.dml4j.nn.EmbeddingNetwork} and of a loss. The configurable {@link org.dml4j.nn.optim.Optimizer}s
 * ({@link org.dml4j.nn.optim.Sgd}, {@link org.dml4j.nn.optim.Adam}, {@link org.dml4j.nn.optim.AdamW},
 * {@link org.dml4j.nn.optim.RmsProp}) hold hyperparameters only; the per-run state (moments, momentum buffers, step
 * counts) lives in an {@link org.dml4j.nn.optim.Updater}, which can save and restore it as an
 * {@link org.dml4j.nn.optim.OptimizerState}. {@link org.dml4j.nn.optim.LearningRateSchedule}s map a base rate and a
 * step to the rate of that step.
 */
package org.dml4j.nn.optim;
