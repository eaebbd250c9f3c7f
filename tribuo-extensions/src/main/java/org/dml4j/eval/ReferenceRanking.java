package org.dml4j.eval;

import org.dml4j.index.ExactKnn;
import org.dml4j.index.RelevantRanks;

/**
 * Where a {@link RetrievalEvaluator} gets its queries' rankings from, the queries, references and distance
 * bound: {@link ExactKnn} over matrices in this JVM, or a reference set sharded over the machines of a cluster
 * (each shard searched with {@link org.dml4j.index.ReferenceShard}). An implementation must rank exactly as
 * {@link ExactKnn} does: ascending distance, ties by ascending reference index.
 */
public interface ReferenceRanking {

    /**
     * As {@link ExactKnn#relevantTopRanks}: the relevant ranks within each query's
     * {@code min(C_q, max(R_q, minDepth))} nearest candidates.
     * @param minDepth The least list length, at least 1.
     * @param afterBlock Called as work is done (at most as often as {@link ExactKnn} calls it), or null.
     * @return The ranks of every query.
     */
    RelevantRanks topRanks(int minDepth, Runnable afterBlock);

    /**
     * As {@link ExactKnn#relevantRanks(org.nd4j.linalg.api.ndarray.INDArray, int[],
     * org.nd4j.linalg.api.ndarray.INDArray, int[], boolean, int[], Runnable)}: the exact full-ranking ranks of
     * the listed queries' relevant references.
     * @param queryRows The queries to rank; row s of the result is query {@code queryRows[s]}.
     * @param afterWalk Called as work is done (at most twice a block of queries), or null.
     * @return Their ranks.
     */
    RelevantRanks fullRanks(int[] queryRows, Runnable afterWalk);
}
