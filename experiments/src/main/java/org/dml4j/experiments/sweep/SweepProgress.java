package org.dml4j.experiments.sweep;

import org.dml4j.experiments.progress.Eta;
import org.dml4j.experiments.progress.StatusLine;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Shows a sweep's progress to a person: a line per finished trial (its values, state, objective, epochs, time) with
 * the time left in the sweep, estimated by {@link Eta} from the wall time between finished trials (so parallel
 * trials count once). On a terminal a bar over the trials, with that estimate, stays redrawn below the lines;
 * elsewhere (a file, a pipe) only the lines are printed. Thread-safe.
 */
public final class SweepProgress {

    private final String metric;
    private final int total;
    private final LongSupplier clock;
    private final StatusLine line;
    private final Eta eta;
    private long lastFinish;
    private int finished;

    /**
     * @param out      where to print
     * @param metric   the sweep's metric
     * @param total    the number of trials
     * @param terminal whether {@code out} is a terminal that can redraw a line
     * @param clock    a nanosecond clock ({@code System::nanoTime})
     */
    public SweepProgress(PrintWriter out, String metric, int total, boolean terminal, LongSupplier clock) {
        this.metric = metric;
        this.total = total;
        this.clock = clock;
        this.line = new StatusLine(out, terminal);
        this.lastFinish = clock.getAsLong();
        this.eta = new Eta(total, lastFinish);
        if (line.terminal()) {
            line.redraw(bar());
        }
    }

    /**
     * A trial finished.
     *
     * @param trial the finished trial
     */
    public synchronized void finished(Trial trial) {
        long now = clock.getAsLong();
        eta.epochEnd((now - lastFinish) / 1e9, now);
        lastFinish = now;
        finished++;
        String text = String.format(Locale.ROOT, "trial %d (%d/%d done) %s: %s, %s %.4f after %d epochs, %.1f s%s%s",
                trial.number(), finished, total, trial.label(), trial.status().name().toLowerCase(Locale.ROOT),
                metric, trial.objective(), trial.epochs(), trial.seconds(),
                trial.message() == null ? "" : " (" + trial.message() + ")", finished < total ? "  sweep eta "
                        + Eta.format(eta.runRemaining().orElse(0)) : "");
        line.println(text);
        if (line.terminal() && finished < total) {
            line.redraw(bar());
        }
    }

    private String bar() {
        return "trials " + StatusLine.bar(finished, total)
                + eta.runRemaining().stream().mapToObj(s -> "  eta " + Eta.format(s)).findFirst().orElse("");
    }
}
