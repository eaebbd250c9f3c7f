package org.dml4j.experiments.progress;

import org.dml4j.eval.EvaluationProgress;

import java.io.PrintWriter;
import java.util.function.LongSupplier;

/**
 * Shows an evaluation's progress to a person, in block walks (one block of queries against every reference): on a
 * terminal a bar with the time left, redrawn in place at most every {@value #REDRAW_MILLIS} ms; elsewhere (a file, a
 * pipe) one line each time another tenth of the walks is done. The time left assumes the walks left take as long
 * as the mean walk so far.
 */
public final class EvalProgress implements EvaluationProgress {

    private static final long REDRAW_MILLIS = 200;
    private static final int LINES = 10;
    private static final double NANOS = 1e9;

    private final StatusLine line;
    private final LongSupplier clock;
    private final long start;
    private long lastDraw;
    private int linesPrinted;
    private int lastDone;
    private int lastTotal;

    /**
     * @param out      where to print
     * @param terminal whether {@code out} is a terminal that can redraw a line
     * @param clock    a nanosecond clock ({@code System::nanoTime}), read now as the start
     */
    public EvalProgress(PrintWriter out, boolean terminal, LongSupplier clock) {
        this.line = new StatusLine(out, terminal);
        this.clock = clock;
        this.start = clock.getAsLong();
        this.lastDraw = start - REDRAW_MILLIS * 1_000_000;
    }

    @Override
    public void blocksDone(int done, int total) {
        long now = clock.getAsLong();
        String eta = done < total ? "  eta " + Eta.format((now - start) / NANOS / done * (total - done)) : "";
        if (line.terminal()) {
            if ((now - lastDraw) / 1_000_000 >= REDRAW_MILLIS || done == total) {
                lastDraw = now;
                line.redraw("evaluating " + StatusLine.bar(done, total) + " blocks" + eta);
            }
        } else {
            if (total != lastTotal && lastTotal > 0) {
                // the total grew: the tenths count again from where the walks done stand in it
                linesPrinted = tenths(lastDone, total);
            }
            if (tenths(done, total) > linesPrinted) {
                linesPrinted = tenths(done, total);
                line.println(String.format("evaluating: %d/%d blocks (%d%%)%s", done, total, 100L * done / total,
                        eta));
            }
        }
        lastDone = done;
        lastTotal = total;
    }

    private static int tenths(int done, int total) {
        return (int) ((long) done * LINES / total);
    }

    /** Ends the bar's line, if one is drawn, so that the metrics start on a line of their own. */
    public void finish() {
        line.endLine();
    }
}
