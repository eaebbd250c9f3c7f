package org.dml4j.train;

/**
 * Observes a training run; it may ask it to stop ({@link #stopRequested}). Listeners are attached at run time
 * ({@link MetricLearningTrainer#addListener}) and are not part of the trainer's configuration or provenance. The
 * trainer calls listeners on its own thread and never waits on anything they start, so a listener must return
 * quickly (hand slow work, such as network calls, to a queue of its own). Every method has an empty default; an
 * exception thrown by a listener is logged and does not stop training.
 */
public interface TrainingListener {

    /**
     * The run starts: the hyperparameters and data are known.
     *
     * @param start what the run is
     */
    default void onRunStart(RunStart start) {
    }

    /**
     * A batch was trained.
     *
     * @param batch its loss and step
     */
    default void onBatchEnd(BatchEnd batch) {
    }

    /**
     * An epoch ended; validation metrics are present on validation epochs.
     *
     * @param epoch its summary
     */
    default void onEpochEnd(EpochEnd epoch) {
    }

    /**
     * Whether this listener asks training to stop, asked after every epoch's {@link #onEpochEnd} (e.g. a sweep's
     * pruner that decided in {@code onEpochEnd}). Training then ends as early stopping does: it writes the epoch's
     * checkpoint, keeps the best validated network if there is one, and returns a model ({@link RunEnd#epochs()}
     * says how many epochs ran). The default never asks.
     *
     * @return true to stop after the current epoch
     */
    default boolean stopRequested() {
        return false;
    }

    /**
     * Training finished successfully.
     *
     * @param end the final summary
     */
    default void onRunEnd(RunEnd end) {
    }

    /**
     * Training failed or was interrupted.
     *
     * @param error the cause ({@link InterruptedException} when interrupted)
     */
    default void onRunFailure(Throwable error) {
    }
}
