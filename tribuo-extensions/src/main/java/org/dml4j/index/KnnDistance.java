package org.dml4j.index;

/**
 * The dissimilarity used to rank references; smaller values always rank first.
 */
public enum KnnDistance {
    /**
     * Squared Euclidean distance {@code ||q||^2 + ||r||^2 - 2 q.r}, clamped at 0, on the rows as given.
     * It ranks exactly like the Euclidean distance.
     */
    SQUARED_EUCLIDEAN,
    /**
     * Cosine distance {@code 1 - cos(q, r)}; rows are L2-normalized first ({@code x / max(||x||, 1e-12)}).
     */
    COSINE,
    /**
     * Negated inner product {@code -q.r} on the rows as given (largest inner product ranks first).
     */
    DOT
}
