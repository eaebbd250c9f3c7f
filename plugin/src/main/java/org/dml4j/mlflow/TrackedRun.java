package org.dml4j.mlflow;

import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import org.dml4j.train.MetricLearningTrainer;
import org.dml4j.train.RunStart;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.Trainer;
import org.tribuo.evaluation.Evaluation;
import org.tribuo.evaluation.Evaluator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One MLflow run of a Tribuo pipeline, made by {@link TribuoTracking#run}: train a model with any Tribuo
 * {@link Trainer} (its provenance becomes the params, the data a {@code train} input), log evaluations (metrics, the
 * data as an input, a classifier's confusion matrix as an artifact) and models, then {@link #finish()}. A DML4J
 * {@link MetricLearningTrainer} is tracked through its listener events as well (batch and epoch curves, validation
 * metrics). Not thread-safe: one thread drives a run.
 */
public final class TrackedRun {

    private static final System.Logger LOG = System.getLogger(TrackedRun.class.getName());

    private final MlflowTracker tracker;
    private final String name;
    private boolean started;

    TrackedRun(MlflowTracker tracker, String name) {
        this.tracker = tracker;
        this.name = name;
    }

    /**
     * The run's tracker, for what this class does not log itself (artifacts, extra params).
     *
     * @return the tracker
     */
    public MlflowTracker tracker() {
        return tracker;
    }

    /**
     * The server's id of the run, once the server created it ({@link MlflowTracker#runId()}).
     *
     * @return the MLflow run id, or empty
     */
    public Optional<String> runId() {
        return tracker.runId();
    }

    /**
     * Trains a model and tracks it: the trainer's provenance as params ({@code trainer.*}, its full form in
     * {@code provenance/trainer.json}), the data as the {@code train} input, {@code train/seconds}. A failure marks
     * the run FAILED and is rethrown. A run trains once.
     *
     * @param trainer any Tribuo trainer
     * @param data    the training data
     * @param <T>     the output type
     * @return the model
     * @throws IllegalStateException when this run already trained
     */
    public <T extends Output<T>> Model<T> train(Trainer<T> trainer, Dataset<T> data) {
        return train(trainer, data, Map.of(), Trainer.INCREMENT_INVOCATION_COUNT);
    }

    /** {@link #train(Trainer, Dataset)} with Tribuo's run provenance and invocation count. */
    <T extends Output<T>> Model<T> train(Trainer<T> trainer, Dataset<T> data, Map<String, Provenance> runProvenance,
                                         int invocationCount) {
        if (started) {
            throw new IllegalStateException("The run '" + name + "' already started; a TrackedRun tracks one "
                    + "training: start another with TribuoTracking.run");
        }
        started = true;
        if (trainer instanceof MetricLearningTrainer listened) {
            listened.addListener(tracker); // the trainer starts the run, with its split's inputs and its curves
            try {
                return trainer.train(data, runProvenance, invocationCount);
            } finally {
                listened.removeListener(tracker);
            }
        }
        tracker.onRunStart(new RunStart(name, trainer.getProvenance(), data.getProvenance(), facts(data)));
        tracker.logDatasets(List.of(DatasetInput.of(data, DatasetInput.TRAIN)));
        long start = System.nanoTime();
        try {
            Model<T> model = trainer.train(data, runProvenance, invocationCount);
            tracker.logMetrics(Map.of("train/seconds", (System.nanoTime() - start) / 1e9), 0);
            return model;
        } catch (RuntimeException | Error e) {
            tracker.onRunFailure(e);
            throw e;
        }
    }

    /**
     * Evaluates a model and logs the evaluation ({@link #logEvaluation}).
     *
     * @param evaluator the evaluator
     * @param model     the model
     * @param data      the evaluation data
     * @param context   {@link DatasetInput#TEST} (metrics under their plain names), {@link DatasetInput#VALIDATION}
     *                  ({@code val/}) or {@link DatasetInput#TRAIN} ({@code train/})
     * @param <T>       the output type
     * @param <E>       the evaluation type
     * @return the evaluation
     */
    public <T extends Output<T>, E extends Evaluation<T>> E evaluate(Evaluator<T, E> evaluator, Model<T> model,
                                                                     Dataset<T> data, String context) {
        E evaluation = evaluator.evaluate(model, data);
        logEvaluation(evaluation, data, context);
        return evaluation;
    }

    /**
     * Logs an evaluation: its metrics ({@link MlflowTracker#logResults}: plain names for test data, prefixed for
     * validation and training data), the data as an input with that context, the evaluation's report as
     * {@code evaluation/<context>/report.txt} and a classifier's confusion matrix as
     * {@code evaluation/<context>/confusion_matrix.csv}. Starts the run when nothing trained in it (evaluating a
     * loaded model).
     *
     * @param evaluation the evaluation
     * @param data       the data it was computed on
     * @param context    {@link DatasetInput#TEST}, {@link DatasetInput#VALIDATION} or {@link DatasetInput#TRAIN}
     */
    public void logEvaluation(Evaluation<?> evaluation, Dataset<?> data, String context) {
        DatasetInput input = DatasetInput.of(data, context);
        if (!started) {
            started = true;
            tracker.onRunStart(new RunStart(name, null, null, Map.of()));
        }
        tracker.logDatasets(List.of(input));
        tracker.logResults(EvaluationResults.metrics(evaluation), context, 0);
        String folder = "evaluation/" + context + "/";
        tracker.logText(folder + "report.txt", evaluation.toString());
        EvaluationResults.confusionMatrixCsv(evaluation)
                .ifPresent(csv -> tracker.logText(folder + "confusion_matrix.csv", csv));
    }

    /**
     * Logs a model as the run's MLflow 3 logged model {@code model} ({@link MlflowTracker#logModel(String, Model,
     * long, ModelRegistration)}): its Tribuo protobuf under the {@code dml4j} flavor and, for an
     * {@code ONNXExportable} model, its ONNX graph under the {@code onnx} and {@code python_function} flavors;
     * optionally registered.
     *
     * @param model        any Tribuo model that serializes to protobuf
     * @param registration the registry entry to create, or null
     * @throws IllegalStateException before anything was trained or evaluated in this run
     */
    public void logModel(Model<?> model, ModelRegistration registration) {
        tracker.logModel("model", model, 0, registration);
    }

    /**
     * Ends the run ({@link MlflowTracker#finish()}).
     *
     * @return the outcome
     */
    public TrackingOutcome finish() {
        return tracker.finish();
    }

    /** The data facts logged as {@code data.*} params: a fixed handful, whatever the data's size. */
    private static Map<String, String> facts(Dataset<?> data) {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("dataset.size", String.valueOf(data.size()));
        facts.put("dataset.features", String.valueOf(data.getFeatureMap().size()));
        facts.put("dataset.outputs", String.valueOf(data.getOutputInfo().size()));
        return facts;
    }
}
