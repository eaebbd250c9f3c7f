package org.dml4j.experiments.sweep;

import org.dml4j.train.TrainingListener;

/**
 * Where a sweep records its trials (the CLI's MLflow adapter implements it); the engine knows only this interface.
 * Both methods may be called from several trial threads at once.
 */
public interface SweepTracker {

    /**
     * A listener that records a trial's training, added to its trainer (or fed its child JVM's events).
     *
     * @param trial the trial about to run
     * @return its listener
     */
    TrainingListener trialStarted(Trial trial);

    /**
     * Records a finished trial's values and objective and closes its record.
     *
     * @param trial   the finished trial
     * @param started whether its training started (its listener saw a run start)
     */
    void trialEnded(Trial trial, boolean started);
}
