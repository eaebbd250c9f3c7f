package org.dml4j.train;

import com.oracle.labs.mlrg.olcut.provenance.ObjectProvenance;
import org.tribuo.Dataset;
import org.tribuo.classification.Label;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The start of a training run.
 *
 * @param runName            a human-readable name for the run
 * @param trainerProvenance  the trainer's provenance: every hyperparameter, nested (losses, miners, optimizers ...)
 * @param datasetProvenance  the training data's provenance, or null when unknown
 * @param datasetInfo        facts about the data for tracking: name, sizes, classes, split (string values)
 * @param datasets           the data the run uses, by use: {@link #TRAIN} (the rows that train) and, with a
 *                           validation split, {@link #VALIDATION}; empty when unknown (a replayed run)
 */
public record RunStart(String runName, ObjectProvenance trainerProvenance, ObjectProvenance datasetProvenance,
                       Map<String, String> datasetInfo, Map<String, Dataset<Label>> datasets) {

    /** The {@link #datasets} key of the training rows. */
    public static final String TRAIN = "train";
    /** The {@link #datasets} key of the validation split. */
    public static final String VALIDATION = "validation";

    /**
     * Copies the datasets map (in its order).
     *
     * @param runName           see the record
     * @param trainerProvenance see the record
     * @param datasetProvenance see the record
     * @param datasetInfo       see the record
     * @param datasets          see the record
     */
    public RunStart {
        datasets = datasets == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(datasets));
    }

    /**
     * A start without the datasets themselves (a run replayed from its events, a sweep's parent run).
     *
     * @param runName           see the record
     * @param trainerProvenance see the record
     * @param datasetProvenance see the record
     * @param datasetInfo       see the record
     */
    public RunStart(String runName, ObjectProvenance trainerProvenance, ObjectProvenance datasetProvenance,
                    Map<String, String> datasetInfo) {
        this(runName, trainerProvenance, datasetProvenance, datasetInfo, Map.of());
    }
}
