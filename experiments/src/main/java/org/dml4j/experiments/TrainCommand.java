package org.dml4j.experiments;

import org.dml4j.eval.LinearProbe;
import org.dml4j.eval.RetrievalEvaluation;
import org.dml4j.experiments.data.DatasetOptions;
import org.dml4j.experiments.io.JsonFiles;
import org.dml4j.experiments.io.UserError;
import org.dml4j.experiments.progress.ProgressListener;
import org.dml4j.experiments.report.EpochHistory;
import org.dml4j.experiments.report.Evaluation;
import org.dml4j.experiments.report.FewShot;
import org.dml4j.experiments.report.PerQueryResults;
import org.dml4j.experiments.report.RunPlots;
import org.dml4j.experiments.spark.SparkReplicaTraining;
import org.dml4j.experiments.training.TrainerOptions;
import org.dml4j.experiments.training.TrainingEventLog;
import org.dml4j.mlflow.DatasetInput;
import org.dml4j.mlflow.MlflowTracker;
import org.dml4j.mlflow.TrackingOutcome;
import org.dml4j.index.HnswIndexSpec;
import org.dml4j.model.EmbeddingModel;
import org.dml4j.train.MetricLearningTrainer;
import org.dml4j.train.TrainingMode;
import org.dml4j.train.TrainingLimits;
import org.dml4j.train.TrainingListener;
import org.dml4j.train.RunStart;
import org.tribuo.Dataset;
import org.tribuo.classification.Label;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code dml4j train}: trains an embedding model, evaluates it by retrieval on the evaluation split, prints the
 * metrics (with {@code --mode episodic} also the few-shot accuracy of its setting), and optionally writes the model,
 * the metrics as JSON, and tracks the run in MLflow (the mode as the tag {@value #MODE_TAG}). With a model file or
 * tracking, it also draws the loss curve, the validation curves (with a validation split), Recall@K by K and a PCA
 * map of the test embeddings as PNG files. With {@code --spark} the training runs data-parallel on a Spark cluster
 * ({@link SparkReplicaTraining}); this process evaluates and tracks it as a local run.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train an embedding model and evaluate it by retrieval (each evaluation example queries "
                + "all the others).",
                "Losses: contrastive, triplet, quadruplet, proxy-nca, proxy-anchor, multi-similarity, ntxent, "
                        + "supcon, arcface, cosface, circle, margin, lifted-structure, nca, "
                        + "angular, generalized-lifted-structure, intra-pair-variance, instance, normalized-softmax, "
                        + "large-margin-softmax, sphereface, sub-center-arcface, n-pairs, tuplet-margin, snr-contrastive, "
                        + "soft-triple, p2s-grad, threshold-consistent-margin, fast-ap, histogram, pnp, ranked-list, "
                        + "dynamic-soft-margin, manifold, smooth-ap.",
                "Miners: all, hard, semihard, easy (triplet margin miners), batch-hard, multi-similarity, "
                        + "pair-margin, distance-weighted, none.",
                "Networks: mlp:H1,...,EMB[:options] (e.g. mlp:512,128), cnn:C1,C2,EMB[:options] or "
                        + "resnet:W1,...,Wn,EMB[:image=CxHxW,blocks=B] (e.g. resnet:16,32,64,128).",
                "Blocks of cnn and resnet networks: attnH after a stage's width adds a transformer block (pre-norm "
                        + "multi-head self-attention with H heads over the stage's positions, then an MLP); "
                        + "pool=flatten|avg|gem|attention|attentionH picks the pooling before the embedding layer "
                        + "(cnn's default flatten, resnet's avg; gem: generalized mean with a learned exponent; "
                        + "attention: a learned query attending over the positions with H heads, default 1), e.g. "
                        + "cnn:32,64,attn4,128:pool=attention4 or resnet:16,32,64,128:pool=gem.",
                "--mode self-supervised trains SimCLR-style from two augmented views of each training example and "
                        + "ignores the training labels; it also reports the accuracy of a linear probe (logistic "
                        + "regression on the frozen embeddings of the training split, tested on the evaluation "
                        + "split) as " + TrainCommand.LINEAR_PROBE_METRIC + ".",
                "--mode cross-modal trains two towers (--tower-a, --tower-b) CLIP-style on paired data (--pairs-csv, "
                        + "or --pairs with --a-features and --b-features) and reports retrieval in both directions "
                        + "(a_to_b/..., b_to_a/...) and the learned temperature."})
public final class TrainCommand implements Callable<Integer> {

    /** The metric key of the linear probe's test accuracy (self-supervised mode). */
    static final String LINEAR_PROBE_METRIC = "linear_probe_accuracy";
    /** The MLflow tag that records the training mode. */
    static final String MODE_TAG = "dml4j.mode";

    @Mixin
    private DatasetOptions data;

    @Mixin
    private TrainerOptions trainerOptions;

    @Option(names = "--model-out", paramLabel = "FILE", description = "Write the trained model (protobuf).")
    private Path modelOut;

    @Option(names = "--index-out", paramLabel = "FILE", description = "Also build an HNSW index over the model's "
            + "reference set (M 16, efConstruction 100, ef 64; needs --model-out), write it, and log it to MLflow "
            + "inside the logged model (its file model.index, tied to the model's digest).")
    private Path indexOut;

    @Option(names = "--metrics-out", paramLabel = "FILE", description = "Write the final metrics as JSON.")
    private Path metricsOut;

    @Option(names = "--events-out", paramLabel = "FILE", description = "Write the run's events as JSON lines while "
            + "it trains (start, each epoch's loss and validation metrics, end), for scripts and process-isolated "
            + "sweeps to follow.")
    private Path eventsOut;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run whose --checkpoint-dir was DIR "
            + "from its last checkpoint, with the same data and options (its later checkpoints go to DIR too).")
    private Path resume;

    @Option(names = "--quiet", description = "Print only the final metrics: no progress lines or bar.")
    private boolean quiet;

    @Option(names = "--json", description = "Print the final metrics as one JSON object on standard output instead "
            + "of a table (for scripts; progress and tracking messages go to standard error).")
    private boolean json;

    @Option(names = "--spark", paramLabel = "MASTER", description = "Train data-parallel on this Spark cluster "
            + "(spark://HOST:PORT, yarn, k8s://...): --replicas tasks of one barrier stage, one per executor, each "
            + "embedding its share of every batch; the loss sees the whole batch and every replica takes the same "
            + "step. This process tracks the run from the events the first replica returns. The workers must see "
            + "this installation at the same path (else use spark-submit with --jars).")
    private String sparkMaster;

    @Option(names = "--replicas", paramLabel = "N", defaultValue = "2", description = "With --spark: the number of "
            + "model replicas (executors) training together (default: ${DEFAULT-VALUE}).")
    private int replicas;

    @Mixin
    private SparkClusterOptions sparkCluster;

    @Mixin
    private TrackingOptions tracking;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (tracking.registration() != null && modelOut == null) {
            throw new UserError("--register-model needs --model-out FILE: the registered version is that file.");
        }
        if (indexOut != null && modelOut == null) {
            throw new UserError("--index-out needs --model-out FILE: an index is only used with the model file it "
                    + "was built from.");
        }
        if (trainerOptions.mode == TrainingMode.CROSS_MODAL) {
            if (indexOut != null || resume != null) {
                throw new UserError((indexOut != null ? "--index-out" : "--resume") + " does not apply to --mode "
                        + "cross-modal.");
            }
            checkOutputs();
            return new CrossModalTrain(trainerOptions, tracking, new CrossModalTrain.Outputs(modelOut, metricsOut,
                    eventsOut), quiet, json, spec).run();
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path checkpoint = checkpointToResume();
        checkOutputs();
        DatasetOptions.Splits splits = data.load(trainerOptions.seed);
        FewShot fewShot = trainerOptions.episodicEvaluation();
        if (fewShot != null) {
            fewShot.check(splits.eval());
        }
        Dataset<Label> training = data.trainingData(splits.train(), trainerOptions.mode);
        MetricLearningTrainer trainer = trainerOptions.build(training);
        checkLimits(training);
        checkSpark(trainer);
        List<TrainingListener> listeners = new ArrayList<>();
        if (!quiet) {
            listeners.add(new ProgressListener(err, trainerOptions.epochs, System.console() != null,
                    System::nanoTime));
        }
        if (eventsOut != null) {
            listeners.add(new TrainingEventLog(eventsOut));
        }
        EpochHistory history = new EpochHistory();
        listeners.add(history);
        TrackingOptions.Tracking tracked = tracking.open("dml4j train: " + splits.description() + ", " + trainer);
        if (tracked != null) {
            listeners.add(tracked.tracker());
        }
        listeners.forEach(trainer::addListener);
        if (checkpoint != null) {
            err.println("Resuming from " + checkpoint);
        }
        EmbeddingModel model = sparkMaster != null ? trainOnSpark(trainer, training, listeners, err)
                : checkpoint != null ? trainer.resume(training, checkpoint) : trainer.train(training);
        RetrievalEvaluation evaluation = Evaluation.retrieval(model, splits.eval(), trainerOptions.fullRanking);
        Map<String, Double> metrics = new LinkedHashMap<>(evaluation.summary());
        if (trainer.mode() == TrainingMode.SELF_SUPERVISED) {
            metrics.put(LINEAR_PROBE_METRIC, new LinearProbe().evaluate(model, splits.train(), splits.eval())
                    .accuracy());
        }
        if (fewShot != null) {
            metrics.putAll(FewShot.summary(fewShot.evaluate(model, splits.eval())));
        }
        metrics.put("epoch_seconds_mean", history.meanSeconds());
        metrics.put("epoch_seconds_last", history.lastSeconds());
        Evaluation.print(out, metrics, json);
        if (modelOut != null) {
            try {
                model.serializeToFile(modelOut);
            } catch (IOException e) {
                throw new UserError("Cannot write the model to " + modelOut + ": " + e + ". Give --model-out a "
                        + "file in an existing, writable folder.", e);
            }
        }
        if (indexOut != null) {
            model.buildIndex(new HnswIndexSpec());
            model.saveIndex(indexOut);
            model.stopUsingIndex();
        }
        if (metricsOut != null) {
            JsonFiles.write(metricsOut, metrics);
        }
        Map<String, Path> plots = tracked != null || modelOut != null
                ? plots(history, metrics, model, splits) : Map.of();
        if (tracked != null) {
            finishTracking(tracked, model, metrics, splits.eval(), PerQueryResults.of(evaluation), plots, err);
        }
        return 0;
    }

    /**
     * With {@code --resume DIR}: the last checkpoint in DIR, which also becomes the checkpoint folder unless
     * {@code --checkpoint-dir} names another (fresh) one.
     */
    private Path checkpointToResume() {
        if (resume == null) {
            return null;
        }
        Path last = CheckpointFolder.latest(resume).orElseThrow(() -> new UserError("--resume " + resume
                + " holds no checkpoint (checkpoint-epoch-NNNN.pb files, written by --checkpoint-dir); name the "
                + "folder a run wrote its checkpoints to."));
        if (trainerOptions.checkpointDir == null) {
            trainerOptions.checkpointDir = resume;
        }
        return last;
    }

    /** Fails before any data is read or any epoch is trained when an output cannot be written. */
    private void checkOutputs() {
        OutputPaths.file(modelOut, "--model-out");
        OutputPaths.file(indexOut, "--index-out");
        OutputPaths.file(metricsOut, "--metrics-out");
        OutputPaths.file(eventsOut, "--events-out");
        Path checkpoints = trainerOptions.checkpointDir;
        if (checkpoints != null && (resume == null
                || !checkpoints.toAbsolutePath().normalize().equals(resume.toAbsolutePath().normalize()))) {
            CheckpointFolder.requireFresh(checkpoints);
        }
        OutputPaths.directory(checkpoints, "--checkpoint-dir");
        if (tracking.resolvedUri() != null) {
            tracking.checkSpool();
        }
    }

    /** With {@code --spark}: refuses what data-parallel training does not do, before the cluster is asked. */
    private void checkSpark(MetricLearningTrainer trainer) {
        if (sparkMaster == null) {
            return;
        }
        SparkJars.require();
        if (replicas < 1) {
            throw new UserError("--replicas " + replicas + ": give at least 1.");
        }
        if (resume != null || trainerOptions.checkpointDir != null) {
            throw new UserError("--resume and --checkpoint-dir do not work with --spark yet: train without them.");
        }
        if (trainer.mode() == TrainingMode.SELF_SUPERVISED) {
            throw new UserError("--mode self-supervised does not train on Spark replicas yet: run it without "
                    + "--spark.");
        }
        if (trainerOptions.config == null && trainerOptions.trainingBatchSize() < replicas) {
            throw new UserError("--batch-size " + trainerOptions.trainingBatchSize() + " cannot be split over "
                    + "--replicas " + replicas + ": give a batch of at least one row per replica.");
        }
    }

    /**
     * Trains on the {@code --spark} cluster's replicas and replays the first replica's events into the listeners,
     * so that progress, {@code --events-out} and tracking see the run as a local one.
     */
    private EmbeddingModel trainOnSpark(MetricLearningTrainer trainer, Dataset<Label> train,
                                        List<TrainingListener> listeners, PrintWriter err) throws IOException {
        TrainingEventLog.Replay replay = new TrainingEventLog.Replay(data -> new RunStart("spark-replicas-"
                + replicas, trainer.getProvenance(), train.getProvenance(), data, Map.of(RunStart.TRAIN, train)),
                listeners);
        SparkReplicaTraining.Outcome outcome;
        try (SparkReplicaTraining cluster = SparkReplicaTraining.connect(sparkMaster, sparkCluster.home(),
                "dml4j train on " + replicas + " replicas", replicas, sparkCluster.waitTime())) {
            outcome = cluster.train(spec.commandLine().getParseResult().originalArgs(), train, replicas);
        } catch (IllegalStateException e) {
            replay.failed(e);
            throw new UserError(e.getMessage(), e);
        }
        for (String line : outcome.events()) {
            replay.line(line);
        }
        if (!quiet) {
            for (SparkReplicaTraining.ReplicaTimes times : outcome.times()) {
                err.printf("replica %d: %d steps in %.2f s, %.0f%% of it exchanging (%d bytes sent)%n", times.rank(),
                        times.steps(), times.seconds(), 100 * times.exchangeSeconds() / times.seconds(),
                        times.bytesSent());
            }
        }
        return outcome.model();
    }

    /** Refuses a batch size the training set or the memory cannot hold, before anything large is allocated. */
    private void checkLimits(Dataset<Label> train) {
        if (trainerOptions.config != null) {
            return; // the batch size is the configuration file's: MetricLearningTrainer checks it
        }
        int batchSize = trainerOptions.trainingBatchSize();
        try {
            TrainingLimits.checkRun(train.size(), train.getFeatureIDMap().size(), batchSize,
                    trainerOptions.validationFraction, trainerOptions.tuples != null);
        } catch (IllegalArgumentException e) {
            throw new UserError((trainerOptions.isEpisodic() ? "The episode size " : "--batch-size ") + batchSize
                    + ": " + e.getMessage() + ".", e);
        }
    }

    /** The run's plots: next to the model file ({@code NAME-loss.png} ...) when there is one, else temporary. */
    private Map<String, Path> plots(EpochHistory history, Map<String, Double> metrics, EmbeddingModel model,
                                    DatasetOptions.Splits splits) throws IOException {
        Path dir;
        String prefix;
        if (modelOut != null) {
            dir = modelOut.toAbsolutePath().getParent();
            String name = modelOut.getFileName().toString();
            prefix = (name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name) + "-";
        } else {
            dir = Files.createTempDirectory("dml4j-plots");
            dir.toFile().deleteOnExit();
            prefix = "";
        }
        Map<String, Path> files = RunPlots.write(dir, prefix, history, metrics, model, splits.eval());
        if (modelOut == null) {
            files.values().forEach(f -> f.toFile().deleteOnExit());
        }
        return files;
    }

    private void finishTracking(TrackingOptions.Tracking tracked, EmbeddingModel model, Map<String, Double> metrics,
                                Dataset<Label> evalData, PerQueryResults perQuery, Map<String, Path> plots,
                                PrintWriter err) throws IOException {
        MlflowTracker tracker = tracked.tracker();
        for (Map.Entry<String, Path> plot : plots.entrySet()) {
            tracker.logArtifact(plot.getKey(), plot.getValue());
        }
        tracker.logTags(Map.of(MODE_TAG, trainerOptions.mode.cliName()));
        tracker.logDatasets(List.of(DatasetInput.of(evalData, DatasetInput.TEST)));
        tracker.logParams(Map.of("evaluation.full_ranking", String.valueOf(trainerOptions.fullRanking)));
        tracker.logResults(metrics, DatasetInput.TEST, trainerOptions.epochs);
        tracker.logArtifact("metrics.json", jsonFile(metrics));
        tracker.logArtifact(PerQueryResults.ARTIFACT, jsonFile(perQuery));
        tracker.logArtifact(CommandArgs.ARTIFACT, jsonFile(CommandArgs.of(spec)));
        if (modelOut != null) {
            // an MLflow 3 logged model: the Tribuo protobuf plus its ONNX graph (onnx and python_function flavors)
            // and the --index-out index, tied to the model's digest
            tracker.logModel("model", model, trainerOptions.epochs, tracking.registration(), indexOut);
        }
        if (trainerOptions.config != null) {
            tracker.logArtifact(CommandArgs.CONFIG_FOLDER + trainerOptions.config.getFileName(),
                    trainerOptions.config);
        }
        TrackingOutcome outcome = tracker.finish();
        err.println(outcome.message());
        if (!outcome.delivered() && tracking.spoolDir != null) {
            err.println("It was spooled under --spool-dir: ./dml4j sync --spool-dir " + tracking.spoolRoot());
        }
        tracked.runUrl(outcome).ifPresent(url -> err.println("MLflow run: " + url));
        err.flush();
    }

    /** A temporary JSON file for an artifact (the tracker copies it before {@code finish()} returns). */
    static Path jsonFile(Object value) throws IOException {
        Path file = Files.createTempFile("dml4j-artifact", ".json");
        file.toFile().deleteOnExit();
        JsonFiles.write(file, value);
        return file;
    }
}
