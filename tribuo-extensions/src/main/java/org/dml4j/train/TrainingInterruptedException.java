package org.dml4j.train;

/** Training stopped because its thread was interrupted; what was logged and checkpointed so far is kept. */
public final class TrainingInterruptedException extends RuntimeException {

    /**
     * @param message where training stopped
     */
    public TrainingInterruptedException(String message) {
        super(message);
    }
}
