package org.dml4j.mlflow;

/**
 * The limits of one {@code runs/log-batch} request: 1000 metrics, 100 params, 100 tags, 1000 entries in all, and
 * 1 MB of JSON. {@link #fits} keeps a conservative margin on the size.
 */
final class LogBatchLimits {

    /** Metrics per request. */
    static final int MAX_METRICS = 1000;

    /** Params per request. */
    static final int MAX_PARAMS = 100;

    /** Tags per request. */
    static final int MAX_TAGS = 100;

    /** Entries of every kind per request. */
    static final int MAX_ENTRIES = 1000;

    /** Request bytes allowed, below MLflow's 1,000,000 to leave room for JSON punctuation. */
    static final int MAX_BYTES = 900_000;

    private LogBatchLimits() {
    }

    /**
     * Whether a batch of this size is allowed.
     *
     * @param metrics the number of metrics
     * @param params  the number of params
     * @param tags    the number of tags
     * @param bytes   the estimated request size
     * @return true when within every limit
     */
    static boolean fits(int metrics, int params, int tags, long bytes) {
        return metrics <= MAX_METRICS && params <= MAX_PARAMS && tags <= MAX_TAGS
                && metrics + params + tags <= MAX_ENTRIES && bytes <= MAX_BYTES;
    }
}
