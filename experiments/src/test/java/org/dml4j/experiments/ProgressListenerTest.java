package org.dml4j.experiments;

import org.dml4j.experiments.progress.Eta;
import org.dml4j.experiments.progress.ProgressListener;
import org.dml4j.experiments.sweep.SweepProgress;
import org.dml4j.experiments.sweep.Trial;
import org.dml4j.train.BatchEnd;
import org.dml4j.train.EpochEnd;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressListenerTest {

    private static final long SECOND = 1_000_000_000L;

    /** A clock the test moves. */
    private long now;

    /** Epoch 1 of 3: four batches a second apart, then epoch 2's first batch. */
    private String run(boolean terminal) {
        StringWriter text = new StringWriter();
        ProgressListener listener = new ProgressListener(new PrintWriter(text), 3, terminal, () -> now);
        for (int b = 0; b < 4; b++) {
            now += SECOND;
            listener.onBatchEnd(new BatchEnd(1, b, b + 1, 0.5, 1e-3, -1));
        }
        listener.onEpochEnd(new EpochEnd(1, 4, 0.5, 1e-3, Map.of(), 4.0));
        now += SECOND;
        listener.onBatchEnd(new BatchEnd(2, 0, 5, 0.25, 1e-3, -1));
        return text.toString();
    }

    @Test
    void estimatesTheTimeLeftInTheEpochAndTheRun() {
        Eta eta = new Eta(3, 0);
        for (int b = 0; b < 4; b++) {
            eta.batch(1, b, (b + 1) * SECOND);
        }
        assertTrue(eta.runRemaining().isEmpty(), "no estimate before an epoch ended");
        eta.epochEnd(4.0, 4 * SECOND);
        assertEquals(8.0, eta.runRemaining().orElseThrow(), 1e-9);
        eta.batch(2, 0, 5 * SECOND);
        assertEquals(3.0, eta.epochRemaining().orElseThrow(), 1e-9);
        assertEquals(7.0, eta.runRemaining().orElseThrow(), 1e-9);
        assertEquals("45s", Eta.format(45));
        assertEquals("3m07s", Eta.format(187));
        assertEquals("1h02m", Eta.format(3720));
    }

    @Test
    void redrawsABarOnATerminal() {
        String text = run(true);
        assertTrue(text.contains("\repoch 1/3 batch 4  loss 0.50000"), text);
        assertTrue(text.contains("\repoch 1/3  loss 0.50000  lr 0.0010  4.0 s  eta 8s"), text);
        assertTrue(text.endsWith("\repoch 2/3 [#####...............] 1/4  loss 0.25000  epoch eta 3s"
                + "  run eta 7s"), text);
    }

    @Test
    void printsOnlyEpochLinesElsewhere() {
        String text = run(false);
        assertFalse(text.contains("\r"), text);
        assertEquals("epoch 1/3  loss 0.50000  lr 0.0010  4.0 s  eta 8s" + System.lineSeparator(), text);
    }

    /** Three trials: the first finishes after 10 s, the second 20 s later. */
    private String sweep(boolean terminal) {
        StringWriter text = new StringWriter();
        SweepProgress progress = new SweepProgress(new PrintWriter(text), "map_at_r", 3, terminal, () -> now);
        now += 10 * SECOND;
        progress.finished(new Trial(1, Map.of("lr", "0.01"), null).finished(Trial.Status.COMPLETED, 0.75, 3, 9.5,
                null));
        now += 20 * SECOND;
        progress.finished(new Trial(2, Map.of("lr", "0.1"), null).finished(Trial.Status.PRUNED, 0.5, 1, 3.0,
                "stopped by halving at epoch 1"));
        return text.toString();
    }

    @Test
    void aSweepShowsATrialLineWithTheSweepEtaAndOnATerminalABarOverTheTrials() {
        String plain = sweep(false);
        assertEquals("trial 1 (1/3 done) lr=0.01: completed, map_at_r 0.7500 after 3 epochs, 9.5 s  sweep eta 20s\n"
                + "trial 2 (2/3 done) lr=0.1: pruned, map_at_r 0.5000 after 1 epochs, 3.0 s (stopped by halving at "
                + "epoch 1)  sweep eta 15s\n", plain, "the mean wall time between finished trials, times those left");
        now = 0;
        String terminal = sweep(true);
        assertTrue(terminal.startsWith("\rtrials [....................] 0/3"), terminal);
        assertTrue(terminal.contains("\rtrial 1 (1/3 done) lr=0.01: completed"), terminal);
        assertTrue(terminal.endsWith("\rtrials [#############.......] 2/3  eta 15s"), terminal);
    }
}
