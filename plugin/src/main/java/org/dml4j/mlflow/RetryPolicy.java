package org.dml4j.mlflow;

import java.time.Duration;

/**
 * Exponential back-off for transient failures (connection errors, HTTP 5xx and 429): the n-th retry waits
 * {@code initialDelay * 2^(n-1)}, at most {@code maxDelay}.
 *
 * @param maxAttempts  the number of attempts, at least 1 (1 means no retry)
 * @param initialDelay the wait before the first retry
 * @param maxDelay     the longest wait
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay) {

    /** Four attempts, waiting 0.5 s, 1 s and 2 s in between. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(4, Duration.ofMillis(500), Duration.ofSeconds(8));

    /**
     * Validates the policy.
     *
     * @param maxAttempts see the record
     * @param initialDelay see the record
     * @param maxDelay see the record
     * @throws IllegalArgumentException when {@code maxAttempts} is below 1 or a delay is negative
     */
    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("RetryPolicy.maxAttempts must be at least 1, found " + maxAttempts);
        }
        if (initialDelay.isNegative() || maxDelay.isNegative()) {
            throw new IllegalArgumentException("RetryPolicy delays must not be negative, found " + initialDelay
                    + " and " + maxDelay);
        }
    }

    /**
     * The wait before a retry.
     *
     * @param retry the retry, from 1
     * @return the delay
     */
    public Duration delayBefore(int retry) {
        long factor = 1L << Math.min(retry - 1, 30);
        Duration delay = initialDelay.multipliedBy(factor);
        return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }
}
