package org.dml4j.train;

/**
 * Training produced a non-finite loss, embedding, gradient or parameter; the run ends without a model. The message
 * names the epoch, the batch, what went non-finite and the likely causes (a learning rate too high, features too
 * large).
 */
public final class TrainingDivergedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final int epoch;
    private final int batch;

    /**
     * @param epoch   the epoch, from 1
     * @param batch   the batch within the epoch, from 0
     * @param message the full message
     */
    TrainingDivergedException(int epoch, int batch, String message) {
        super(message);
        this.epoch = epoch;
        this.batch = batch;
    }

    /** @return the epoch training diverged in, from 1 */
    public int epoch() {
        return epoch;
    }

    /** @return the batch within the epoch, from 0 */
    public int batch() {
        return batch;
    }
}
