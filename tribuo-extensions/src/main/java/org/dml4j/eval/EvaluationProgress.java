package org.dml4j.eval;

/**
 * Receives the progress of a {@link RetrievalEvaluator} run, for a progress bar.
 * <p>
 * The unit is a block walk: one block of queries compared with every reference. The one-pass evaluation has
 * {@code ceil(Q / blockSize)} of them; when some queries need the exact full-ranking pass the total grows once,
 * after the first pass, by two walks per block of those queries.
 */
@FunctionalInterface
public interface EvaluationProgress {
    /**
     * Called from the evaluating thread after each block walk.
     * @param done The block walks done so far.
     * @param total The block walks known so far, at least {@code done}.
     */
    void blocksDone(int done, int total);
}
