package org.dml4j.experiments.progress;

import java.util.OptionalDouble;

/**
 * Estimates the time left in a training run from the times of its batches and epochs: within an epoch from the mean
 * batch time so far, once an earlier epoch has shown how many batches an epoch has; over the run from the mean
 * epoch time (or, during the first epoch, from its projected length). Times are nanosecond clock readings given by
 * the caller, so the estimate is deterministic to test.
 */
public final class Eta {

    private static final double NANOS = 1e9;

    private final int epochs;
    private long epochStart;
    private int epoch = 1;
    private int batchesDone;
    private long lastBatch;
    private int batchesPerEpoch;
    private int epochsDone;
    private double epochSecondsTotal;

    /**
     * An estimate for a run of some epochs.
     *
     * @param epochs the number of epochs
     * @param start  the clock when the run starts
     */
    public Eta(int epochs, long start) {
        this.epochs = epochs;
        this.epochStart = start;
    }

    /**
     * A batch ended.
     *
     * @param batchEpoch its epoch, from 1
     * @param batch      its index in the epoch, from 0
     * @param now        the clock
     */
    public void batch(int batchEpoch, int batch, long now) {
        epoch = batchEpoch;
        batchesDone = batch + 1;
        lastBatch = now;
    }

    /**
     * An epoch ended.
     *
     * @param seconds its wall time
     * @param now     the clock
     */
    public void epochEnd(double seconds, long now) {
        epochsDone++;
        epochSecondsTotal += seconds;
        batchesPerEpoch = Math.max(batchesPerEpoch, batchesDone);
        epoch = epochsDone + 1;
        batchesDone = 0;
        epochStart = now;
    }

    /** @return the number of batches of an epoch, or 0 before the first epoch ended */
    int batchesPerEpoch() {
        return batchesPerEpoch;
    }

    /** @return the batches done in the current epoch */
    int batchesDone() {
        return batchesDone;
    }

    /** @return the current epoch, from 1 */
    int epoch() {
        return epoch;
    }

    /** @return the seconds left in the current epoch, when the batches per epoch are known */
    public OptionalDouble epochRemaining() {
        if (batchesPerEpoch == 0 || batchesDone == 0) {
            return OptionalDouble.empty();
        }
        double perBatch = (lastBatch - epochStart) / NANOS / batchesDone;
        return OptionalDouble.of(perBatch * Math.max(0, batchesPerEpoch - batchesDone));
    }

    /** @return the seconds left in the run, once an epoch has ended */
    public OptionalDouble runRemaining() {
        if (epochsDone == 0) {
            return OptionalDouble.empty();
        }
        double perEpoch = epochSecondsTotal / epochsDone;
        int wholeEpochsLeft = epochs - epochsDone - (batchesDone > 0 ? 1 : 0);
        return OptionalDouble.of(epochRemaining().orElse(batchesDone > 0 ? perEpoch : 0)
                + Math.max(0, wholeEpochsLeft) * perEpoch);
    }

    /**
     * A duration for people: {@code 45s}, {@code 3m07s}, {@code 1h02m}.
     *
     * @param seconds the duration
     * @return the text
     */
    public static String format(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format("%dm%02ds", s / 60, s % 60);
        }
        return String.format("%dh%02dm", s / 3600, s % 3600 / 60);
    }
}
