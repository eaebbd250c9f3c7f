package org.dml4j.train;

import com.oracle.labs.mlrg.olcut.provenance.ObjectProvenance;

import java.util.Map;

/**
 * The start of a training run.
 *
 * @param runName            a human-readable name for the run
 * @param trainerProvenance  the trainer's provenance: every hyperparameter, nested (losses, miners, optimizers ...)
 * @param datasetProvenance  the training data's provenance, or null when unknown
 * @param datasetInfo        facts about the data for tracking: name, sizes, classes, split (string values)
 */
public record RunStart(String runName, ObjectProvenance trainerProvenance, ObjectProvenance datasetProvenance,
                       Map<String, String> datasetInfo) {
}
