package org.dml4j.mlflow;

import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.util.Pair;
import org.dml4j.train.RunStart;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.Trainer;
import org.tribuo.evaluation.CrossValidation;
import org.tribuo.evaluation.Evaluation;
import org.tribuo.evaluation.Evaluator;
import org.tribuo.evaluation.KFoldSplitter;
import org.tribuo.provenance.TrainerProvenance;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MLflow tracking for any Tribuo pipeline: {@link #run} gives a {@link TrackedRun} that trains with any
 * {@link Trainer}, logs any {@link Evaluation} and any {@link Model}; {@link #crossValidate} runs Tribuo's
 * {@link CrossValidation} as a parent run with one nested run per fold.
 * <pre>{@code
 * TribuoTracking tracking = new TribuoTracking(client, TrackerOptions.forExperiment("iris"));
 * TrackedRun run = tracking.run("logistic-regression");
 * Model<Label> model = run.train(new LogisticRegressionTrainer(), train);
 * run.evaluate(new LabelEvaluator(), model, test, DatasetInput.TEST);
 * run.logModel(model, null);
 * System.out.println(run.finish().message());
 * }</pre>
 */
public final class TribuoTracking {

    private final MlflowRestClient client;
    private final TrackerOptions options;

    /**
     * Creates the entry point.
     *
     * @param client  the server
     * @param options the experiment, spool and waits of every run (the run name is given per run)
     */
    public TribuoTracking(MlflowRestClient client, TrackerOptions options) {
        this.client = client;
        this.options = options;
    }

    /**
     * A new run; nothing is sent before it trains or logs an evaluation.
     *
     * @param runName the run name
     * @return the run
     */
    public TrackedRun run(String runName) {
        return new TrackedRun(new MlflowTracker(client, options.withRunName(runName)), runName);
    }

    /**
     * Cross-validates with Tribuo's {@link CrossValidation} (same folds and results as without tracking): a parent
     * run with the trainer's params, the whole data as its {@code train} input, each metric's mean over the folds
     * under its plain name and its standard deviation as {@code std/<metric>}; one nested run per fold
     * ({@code <runName>-fold-<i>}) with that fold's training and test data as inputs, its training (all of a DML4J
     * trainer's curves) and its evaluation ({@link TrackedRun#logEvaluation}, context {@code test}).
     *
     * @param runName   the parent run's name
     * @param trainer   any Tribuo trainer
     * @param data      the data to split
     * @param evaluator the evaluator of each fold's held-out part
     * @param k         the number of folds, at least 2
     * @param seed      the seed of the fold assignment
     * @param <T>       the output type
     * @param <E>       the evaluation type
     * @return each fold's evaluation and model, and the runs' outcomes
     */
    public <T extends Output<T>, E extends Evaluation<T>> CrossValidationRuns<T, E> crossValidate(
            String runName, Trainer<T> trainer, Dataset<T> data, Evaluator<T, E> evaluator, int k, long seed) {
        MlflowTracker parent = new MlflowTracker(client, options.withRunName(runName));
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("cv.folds", String.valueOf(k));
        facts.put("cv.seed", String.valueOf(seed));
        parent.onRunStart(new RunStart(runName, trainer.getProvenance(), data.getProvenance(), facts));
        parent.logDatasets(List.of(DatasetInput.of(data, DatasetInput.TRAIN)));
        FoldTrainer<T> folds = new FoldTrainer<>(trainer, parent, options, runName);
        List<Pair<E, Model<T>>> results;
        try {
            results = new CrossValidation<>(folds, data, evaluator, k, seed).evaluate();
        } catch (RuntimeException | Error e) {
            folds.runs.forEach(run -> run.tracker().onRunFailure(e));
            folds.runs.forEach(TrackedRun::finish);
            parent.onRunFailure(e);
            parent.finish();
            throw e;
        }
        Iterator<KFoldSplitter.TrainTestFold<T>> splits = new KFoldSplitter<T>(k, seed).split(data, true);
        List<TrackingOutcome> foldOutcomes = new ArrayList<>();
        List<Map<String, Double>> foldMetrics = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            TrackedRun run = folds.runs.get(i);
            E evaluation = results.get(i).getA();
            run.logEvaluation(evaluation, splits.next().test, DatasetInput.TEST);
            foldMetrics.add(EvaluationResults.metrics(evaluation));
            foldOutcomes.add(run.finish());
        }
        parent.logResults(FoldStatistics.meansAndDeviations(foldMetrics), DatasetInput.TEST, 0);
        return new CrossValidationRuns<>(results, parent.finish(), foldOutcomes);
    }

    /**
     * The results of a tracked cross-validation.
     *
     * @param results the folds' evaluations and models, as {@link CrossValidation#evaluate()} returns them
     * @param parent  the parent run's outcome
     * @param folds   each fold run's outcome, in fold order
     * @param <T>     the output type
     * @param <E>     the evaluation type
     */
    public record CrossValidationRuns<T extends Output<T>, E extends Evaluation<T>>(
            List<Pair<E, Model<T>>> results, TrackingOutcome parent, List<TrackingOutcome> folds) {
    }

    /**
     * The trainer {@link CrossValidation} calls once per fold: each call trains the real trainer in a new nested
     * run.
     */
    private static final class FoldTrainer<T extends Output<T>> implements Trainer<T> {

        private final Trainer<T> trainer;
        private final MlflowTracker parent;
        private final TrackerOptions options;
        private final String runName;
        private final List<TrackedRun> runs = new ArrayList<>();

        FoldTrainer(Trainer<T> trainer, MlflowTracker parent, TrackerOptions options, String runName) {
            this.trainer = trainer;
            this.parent = parent;
            this.options = options;
            this.runName = runName;
        }

        @Override
        public Model<T> train(Dataset<T> examples, Map<String, Provenance> runProvenance) {
            return train(examples, runProvenance, INCREMENT_INVOCATION_COUNT);
        }

        @Override
        public Model<T> train(Dataset<T> examples, Map<String, Provenance> runProvenance, int invocationCount) {
            String name = runName + "-fold-" + (runs.size() + 1);
            TrackedRun run = new TrackedRun(parent.childRun(options.withRunName(name)), name);
            runs.add(run);
            return run.train(trainer, examples, runProvenance, invocationCount);
        }

        @Override
        public int getInvocationCount() {
            return trainer.getInvocationCount();
        }

        @Override
        public void setInvocationCount(int count) {
            trainer.setInvocationCount(count);
        }

        @Override
        public TrainerProvenance getProvenance() {
            return trainer.getProvenance();
        }
    }
}
