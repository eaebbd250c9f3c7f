/**
 * Training: the metric-learning trainer, its batch sources (class-label batches from a sampler, or annotated tuples
 * for Siamese, triplet and quadruplet networks through {@link org.dml4j.train.TupleSupervision}, or two augmented views
 * of unlabeled examples through {@link org.dml4j.train.SelfSupervision}, with the {@link org.dml4j.train.TrainingMode}
 * recorded in the model's provenance), the fine-tuning of a pretrained backbone ({@link org.dml4j.train.FineTuning}:
 * parameter groups, a head-only warm-up, cached features of a frozen backbone), a batch's loss after
 * its miner with one pairwise matrix for both ({@link org.dml4j.train.MinedLoss}), the loss against a cross-batch
 * memory, data-parallel training over a {@link org.dml4j.train.ReplicaGroup} (each replica embeds its shard of the
 * global batch, the loss sees the whole batch, the gradients are summed), its checkpoints, the checks of the data before the first step and of every step's numbers (a diverging
 * run ends in a {@link org.dml4j.train.TrainingDivergedException}), and the
 * {@link org.dml4j.train.TrainingListener} callbacks through which progress bars, checkpointing and experiment
 * tracking (the MLflow plugin) observe a run without the library depending on them, and may request a stop.
 */
package org.dml4j.train;
