package org.dml4j.experiments.progress;

import org.dml4j.train.BatchEnd;
import org.dml4j.train.EpochEnd;
import org.dml4j.train.RunStart;
import org.dml4j.train.TrainingListener;

import java.io.PrintWriter;
import java.util.function.LongSupplier;

/**
 * Shows a run's progress to a person: one line per epoch (loss, learning rate, validation MAP@R, time, and the time
 * left in the run). On a terminal a progress bar over the batches of the current epoch, with the time left in the
 * epoch and in the run, is also redrawn in place ({@code \r}) at most every {@value #REDRAW_MILLIS} ms; elsewhere
 * (a file, a pipe) only the epoch lines are printed.
 */
public final class ProgressListener implements TrainingListener {

    private static final long REDRAW_MILLIS = 200;

    private final PrintWriter out;
    private final int epochs;
    private final StatusLine line;
    private final LongSupplier clock;
    private Eta eta;
    private long lastDraw;

    /**
     * A listener for a run of some epochs.
     *
     * @param out      where to print
     * @param epochs   the number of epochs
     * @param terminal whether {@code out} is a terminal that can redraw a line
     * @param clock    a nanosecond clock ({@code System::nanoTime})
     */
    public ProgressListener(PrintWriter out, int epochs, boolean terminal, LongSupplier clock) {
        this.out = out;
        this.epochs = epochs;
        this.line = new StatusLine(out, terminal);
        this.clock = clock;
        restart();
    }

    private void restart() {
        long now = clock.getAsLong();
        eta = new Eta(epochs, now);
        lastDraw = now - REDRAW_MILLIS * 1_000_000;
    }

    @Override
    public void onRunStart(RunStart start) {
        restart();
        out.printf("training %s on %s examples%n", start.runName(), start.datasetInfo().get("dataset.size"));
        out.flush();
    }

    @Override
    public void onBatchEnd(BatchEnd batch) {
        long now = clock.getAsLong();
        eta.batch(batch.epoch(), batch.batch(), now);
        if (line.terminal() && (now - lastDraw) / 1_000_000 >= REDRAW_MILLIS) {
            lastDraw = now;
            line.redraw(bar(batch.loss()));
        }
    }

    @Override
    public void onEpochEnd(EpochEnd epoch) {
        eta.epochEnd(epoch.seconds(), clock.getAsLong());
        Double mapAtR = epoch.validationMetrics().get("map_at_r");
        line.println(String.format("epoch %d/%d  loss %.5f  lr %.2g%s  %.1f s%s", epoch.epoch(), epochs,
                epoch.meanLoss(), epoch.learningRate(),
                mapAtR == null ? "" : String.format("  val map_at_r %.4f", mapAtR), epoch.seconds(),
                epoch.epoch() < epochs ? "  eta " + Eta.format(eta.runRemaining().orElse(0)) : ""));
    }

    private String bar(double loss) {
        int total = eta.batchesPerEpoch();
        int done = eta.batchesDone();
        StringBuilder text = new StringBuilder(String.format("epoch %d/%d ", eta.epoch(), epochs));
        if (total > 0) {
            text.append(StatusLine.bar(done, total));
        } else {
            text.append("batch ").append(done);
        }
        text.append(String.format("  loss %.5f", loss));
        eta.epochRemaining().ifPresent(s -> text.append("  epoch eta ").append(Eta.format(s)));
        eta.runRemaining().ifPresent(s -> text.append("  run eta ").append(Eta.format(s)));
        return text.toString();
    }
}
