package org.dml4j.experiments;

import org.dml4j.train.EpochEnd;
import org.dml4j.train.RunStart;
import org.dml4j.train.TrainingListener;

import java.io.PrintWriter;

/** Prints one line per epoch (loss, learning rate, validation MAP@R, time) for a person watching a run. */
final class ProgressListener implements TrainingListener {

    private final PrintWriter out;
    private final int epochs;

    ProgressListener(PrintWriter out, int epochs) {
        this.out = out;
        this.epochs = epochs;
    }

    @Override
    public void onRunStart(RunStart start) {
        out.printf("training %s on %s examples%n", start.runName(), start.datasetInfo().get("dataset.size"));
        out.flush();
    }

    @Override
    public void onEpochEnd(EpochEnd epoch) {
        Double mapAtR = epoch.validationMetrics().get("map_at_r");
        out.printf("epoch %d/%d  loss %.5f  lr %.2g%s  %.1f s%n", epoch.epoch(), epochs, epoch.meanLoss(),
                epoch.learningRate(), mapAtR == null ? "" : String.format("  val map_at_r %.4f", mapAtR),
                epoch.seconds());
        out.flush();
    }
}
