/**
 * Training: the metric-learning trainer, its checkpoints, and the {@link org.dml4j.train.TrainingListener} callbacks
 * through which progress bars, checkpointing and experiment tracking (the MLflow plugin) observe a run without the
 * library depending on them.
 */
package org.dml4j.train;
