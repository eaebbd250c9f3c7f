package org.dml4j.eval;

/** Counts the block walks of one evaluation and tells an {@link EvaluationProgress}, if any. */
final class BlockCounter {
    private final EvaluationProgress listener;
    private int done;
    private int total;

    BlockCounter(EvaluationProgress listener, int total) {
        this.listener = listener;
        this.total = total;
    }

    /** More walks became known (the full-ranking pass). */
    void addWalks(int walks) {
        total += walks;
    }

    /** One walk ended. */
    void walkDone() {
        done++;
        if (listener != null) {
            listener.blocksDone(done, total);
        }
    }
}
