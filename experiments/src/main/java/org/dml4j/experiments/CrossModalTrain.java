package org.dml4j.experiments;

import org.dml4j.crossmodal.CrossModalEvaluator;
import org.dml4j.crossmodal.TwoTowerModel;
import org.dml4j.crossmodal.TwoTowerTrainer;
import org.dml4j.experiments.io.JsonFiles;
import org.dml4j.experiments.io.UserError;
import org.dml4j.experiments.progress.ProgressListener;
import org.dml4j.experiments.report.EpochHistory;
import org.dml4j.experiments.report.Evaluation;
import org.dml4j.experiments.training.CrossModalOptions;
import org.dml4j.experiments.training.TrainerOptions;
import org.dml4j.experiments.training.TrainingEventLog;
import org.dml4j.mlflow.DatasetInput;
import org.dml4j.mlflow.MlflowTracker;
import org.dml4j.mlflow.ModelRegistration;
import org.dml4j.mlflow.TrackingOutcome;
import org.dml4j.train.TrainingMode;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code dml4j train --mode cross-modal}: trains a two-tower model ({@link TwoTowerTrainer}) on paired data, evaluates
 * retrieval in both directions on the evaluation pairs ({@link CrossModalEvaluator}: {@code a_to_b/...} and
 * {@code b_to_a/...}), prints the metrics with the learned temperature, and optionally writes the model and the
 * metrics and tracks the run in MLflow: the trainer's params, the per-epoch loss (and validation) curves, the mode
 * tag, the test metrics of both directions and the model.
 *
 * @param options  the trainer options (with the cross-modal ones)
 * @param tracking the tracking options
 * @param outputs  the output files (each may be null)
 * @param quiet    print only the final metrics
 * @param json     print them as JSON
 * @param spec     the command (for its output streams and the logged arguments)
 */
record CrossModalTrain(TrainerOptions options, TrackingOptions tracking, Outputs outputs, boolean quiet, boolean json,
                       CommandLine.Model.CommandSpec spec) {

    /** The metric key of the learned temperature. */
    static final String TEMPERATURE_METRIC = "temperature";

    /**
     * The files a run writes.
     *
     * @param model   {@code --model-out}
     * @param metrics {@code --metrics-out}
     * @param events  {@code --events-out}
     */
    record Outputs(Path model, Path metrics, Path events) {
    }

    /**
     * Trains, evaluates, writes and tracks.
     *
     * @return the exit code, 0
     * @throws IOException if an output cannot be written
     */
    int run() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CrossModalOptions crossModal = options.crossModal();
        TwoTowerTrainer trainer = options.buildCrossModal();
        CrossModalOptions.Splits splits = crossModal.load(options.seed);
        if (!quiet) {
            trainer.addListener(new ProgressListener(err, options.epochs, System.console() != null,
                    System::nanoTime));
        }
        if (outputs.events() != null) {
            trainer.addListener(new TrainingEventLog(outputs.events()));
        }
        EpochHistory history = new EpochHistory();
        trainer.addListener(history);
        TrackingOptions.Tracking tracked = tracking.open("dml4j train: " + splits.description() + ", " + trainer);
        if (tracked != null) {
            trainer.addListener(tracked.tracker());
        }
        TwoTowerModel model;
        try {
            model = trainer.train(splits.train());
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage() + ".", e);
        }
        Map<String, Double> metrics = new LinkedHashMap<>(new CrossModalEvaluator().evaluate(model, splits.eval())
                .summary());
        metrics.put(TEMPERATURE_METRIC, model.temperature());
        metrics.put("epoch_seconds_mean", history.meanSeconds());
        metrics.put("epoch_seconds_last", history.lastSeconds());
        Evaluation.print(out, metrics, json);
        if (outputs.model() != null) {
            try {
                model.serializeToFile(outputs.model());
            } catch (IOException e) {
                throw new UserError("Cannot write the model to " + outputs.model() + ": " + e + ". Give "
                        + "--model-out a file in an existing, writable folder.", e);
            }
        }
        if (outputs.metrics() != null) {
            JsonFiles.write(outputs.metrics(), metrics);
        }
        if (tracked != null) {
            finishTracking(tracked, model, metrics, splits, err);
        }
        return 0;
    }

    private void finishTracking(TrackingOptions.Tracking tracked, TwoTowerModel model, Map<String, Double> metrics,
                                CrossModalOptions.Splits splits, PrintWriter err) throws IOException {
        MlflowTracker tracker = tracked.tracker();
        tracker.logTags(Map.of(TrainCommand.MODE_TAG, TrainingMode.CROSS_MODAL.cliName()));
        tracker.logDatasets(List.of(DatasetInput.of(splits.eval(), DatasetInput.TEST)));
        tracker.logResults(metrics, DatasetInput.TEST, options.epochs);
        tracker.logArtifact("metrics.json", TrainCommand.jsonFile(metrics));
        tracker.logArtifact(CommandArgs.ARTIFACT, TrainCommand.jsonFile(CommandArgs.of(spec)));
        if (outputs.model() != null) {
            ModelRegistration registration = tracking.registration();
            tracker.logModel("model", model, options.epochs, registration);
        }
        TrackingOutcome outcome = tracker.finish();
        err.println(outcome.message());
        tracked.runUrl(outcome).ifPresent(url -> err.println("MLflow run: " + url));
        err.flush();
    }
}
