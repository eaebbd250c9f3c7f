package org.dml4j.experiments.sweep;

import org.dml4j.experiments.training.TrainingEventLog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Follows a trial that trains on a {@link TrialSite}: replays each event line once, as it arrives, into the trial's
 * {@link TrialPruner} (and so into the sweep's stopping rule), and keeps the lines up to the epoch the rule stopped
 * the trial at, so the trial's record ends where a trial in this JVM would have ended.
 */
final class LiveCurve implements TrialFollower {

    private final TrainingEventLog.Replay replay;
    private final TrialPruner pruner;
    private long attempt = Long.MIN_VALUE;
    private int replayed;
    private List<String> untilStop;

    /**
     * @param replay the replay into the pruner alone (the trial's tracking gets the events once the trial ends)
     * @param pruner the trial's pruner
     */
    LiveCurve(TrainingEventLog.Replay replay, TrialPruner pruner) {
        this.replay = replay;
        this.pruner = pruner;
    }

    /**
     * @throws UncheckedIOException when a line is not a training event
     */
    @Override
    public synchronized boolean progress(long attempt, List<String> events) {
        if (attempt != this.attempt) {
            this.attempt = attempt; // a retried task logs from its start again; the pruner skips the epochs it has
            replayed = 0;
        }
        try {
            while (untilStop == null && replayed < events.size()) {
                replay.line(events.get(replayed++));
                if (pruner.stopRequested()) {
                    untilStop = List.copyOf(events.subList(0, replayed));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return untilStop != null;
    }

    /** @return the event lines up to the epoch the trial was stopped at, null when it was not stopped */
    synchronized List<String> untilStop() {
        return untilStop;
    }
}
