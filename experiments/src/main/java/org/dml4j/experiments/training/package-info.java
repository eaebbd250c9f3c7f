/**
 * A trainer from the {@code train} options ({@link org.dml4j.experiments.training.TrainerOptions}, the OLCUT
 * components they name) and the JSON-lines event log a training run writes and a sweep replays
 * ({@link org.dml4j.experiments.training.TrainingEventLog}).
 */
package org.dml4j.experiments.training;
