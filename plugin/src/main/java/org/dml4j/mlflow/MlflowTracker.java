package org.dml4j.mlflow;

import org.dml4j.train.BatchEnd;
import org.dml4j.train.EpochEnd;
import org.dml4j.train.RunEnd;
import org.dml4j.train.RunStart;
import org.dml4j.train.TrainingInterruptedException;
import org.dml4j.train.TrainingListener;
import org.tribuo.Model;
import org.tribuo.Tribuo;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Tracks a training run in MLflow. As a {@link TrainingListener} it logs the hyperparameters (flattened trainer
 * provenance), the dataset facts, the datasets as run inputs (train, validation), the sampled batch loss, per-epoch
 * loss, learning rate and validation metrics ({@code val/...}); the caller adds the test metrics
 * ({@link #logResults}), artifacts and the model, then calls {@link #finish()}. One tracker tracks one run: a
 * second {@link #onRunStart} (the same trainer trained again, e.g. in a cross-validation) is an error; for one run
 * per fold use {@link TribuoTracking#crossValidate}. Every method returns
 * at once: records go through a bounded queue to a local spool and on to the server in the background, so an
 * unreachable server never blocks or fails training (see the package documentation).
 */
public final class MlflowTracker implements TrainingListener {

    private static final System.Logger LOG = System.getLogger(MlflowTracker.class.getName());
    private static final DateTimeFormatter MLMODEL_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final MlflowRestClient client;
    private final TrackerOptions options;
    private final String parentClientRunId;
    private final String clientRunId;
    private final EntrySanitizer sanitizer;
    private final Set<String> nonFiniteKeys = new HashSet<>();
    private final Thread shutdownHook = new Thread(this::killedByShutdown, "dml4j-mlflow-shutdown");
    private volatile DeliveryWorker worker;
    /** Set by {@link #onRunEnd}: listener events after it belong to another run, never to this one. */
    private volatile boolean runEnded;
    /** Set by a second {@link #onRunStart}: that run's failure is not this run's. */
    private volatile boolean foreignRun;
    /** The epoch-level metrics logged so far by step, tied to a model logged at that step. */
    private final Map<Long, Map<String, MetricPoint>> stepMetrics = new HashMap<>();
    private String finalStatus = "FINISHED";
    private TrackingOutcome outcome;

    /**
     * Creates a tracker; nothing is sent before {@link #onRunStart}. The spool root is created (owner-only) and
     * checked here, so that a spool that cannot take the run's records fails before training, instead of the run
     * going on untracked.
     *
     * @param client  the server
     * @param options what to log
     * @throws IllegalArgumentException if the spool root cannot be created or written
     */
    public MlflowTracker(MlflowRestClient client, TrackerOptions options) {
        this(client, options, null);
        requireWritable(options.spoolRoot());
    }

    private static void requireWritable(Path spoolRoot) {
        try {
            PrivateFiles.directory(spoolRoot);
            Files.delete(Files.createTempFile(spoolRoot, ".probe-", ".tmp"));
        } catch (IOException | SecurityException e) {
            throw new IllegalArgumentException("The tracking spool " + spoolRoot + " cannot be written (" + e
                    + "); records wait there until the server takes them: give TrackerOptions.withSpoolRoot a "
                    + "writable folder", e);
        }
    }

    private MlflowTracker(MlflowRestClient client, TrackerOptions options, String parentClientRunId) {
        this.client = client;
        this.options = options;
        this.parentClientRunId = parentClientRunId;
        this.clientRunId = String.format("%013d-%s", System.currentTimeMillis(),
                UUID.randomUUID().toString().substring(0, 8));
        this.sanitizer = new EntrySanitizer(new SecretRedactor(client.connection().credentials()));
    }

    /**
     * A tracker for a run nested under this one (a sweep's trial): same server, experiment and spool root, tagged
     * with {@code mlflow.parentRunId}.
     *
     * @param childOptions the child's options (its experiment name and spool root are replaced by this run's)
     * @return the child tracker
     */
    public MlflowTracker childRun(TrackerOptions childOptions) {
        TrackerOptions sameExperiment = new TrackerOptions(options.experimentName(), childOptions.runName(),
                childOptions.description(), childOptions.batchLossEvery(), options.spoolRoot(),
                childOptions.gitCommit(), childOptions.sourceName(), childOptions.finishTimeout(),
                childOptions.maxReconnectDelay(), childOptions.queueCapacity());
        return new MlflowTracker(client, sameExperiment, clientRunId);
    }

    /**
     * The id this tracker gives the run before the server does (the {@code dml4j.clientRunId} tag and the spool
     * directory's name).
     *
     * @return the client run id
     */
    public String clientRunId() {
        return clientRunId;
    }

    /**
     * The server's id of the run, once the server created it. Delivery runs in the background, so it is empty before
     * the first delivery and while the server is unreachable; after {@link #finish()} it is present whenever the
     * run reached the server (as {@code finish().run()}).
     *
     * @return the MLflow run id, or empty
     */
    public Optional<String> runId() {
        DeliveryWorker started = worker;
        return started == null ? Optional.empty() : started.run().map(RunInfo::runId);
    }

    @Override
    public synchronized void onRunStart(RunStart start) {
        if (worker != null) {
            runEnded = true;
            foreignRun = true;
            throw new IllegalStateException("This MlflowTracker already tracks a run (" + clientRunId + "): one"
                    + " tracker tracks one training run. Give each run its own tracker; for cross-validation use"
                    + " TribuoTracking.crossValidate, which nests one run per fold under a parent run");
        }
        try {
            Spool spool = new Spool(options.spoolRoot().resolve(clientRunId));
            spool.lock();
            worker = new DeliveryWorker(client, spool, options.queueCapacity(), options.maxReconnectDelay());
            worker.start();
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            String runName = options.runName() != null ? options.runName() : start.runName();
            worker.offer(new TrackingRecord.CreateRun(options.experimentName(), runName, System.currentTimeMillis(),
                    sanitizer.tags(startTags(runName)), parentClientRunId), false);
            offerBatches(List.of(), sanitizer.params(startParams(start)), Map.of());
            if (start.trainerProvenance() != null) {
                logText("provenance/trainer.json", ProvenanceParams.json(start.trainerProvenance()));
            }
            if (start.datasetProvenance() != null) {
                logText("provenance/dataset.json", ProvenanceParams.json(start.datasetProvenance()));
            }
            List<DatasetInput> inputs = new ArrayList<>();
            start.datasets().forEach((use, data) -> inputs.add(DatasetInput.of(data,
                    RunStart.VALIDATION.equals(use) ? DatasetInput.VALIDATION : DatasetInput.TRAIN)));
            if (!inputs.isEmpty()) {
                logDatasets(inputs);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "MLflow tracking could not start, training goes on untracked: " + e.getMessage());
        }
    }

    @Override
    public void onBatchEnd(BatchEnd batch) {
        if (runEnded || batch.step() % options.batchLossEvery() != 0 && batch.step() != 1) {
            return;
        }
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("train/batch_loss", batch.loss());
        if (batch.minedTuples() >= 0) {
            values.put("train/mined_tuples", (double) batch.minedTuples());
        }
        logQuietly(values, batch.step(), false);
    }

    @Override
    public void onEpochEnd(EpochEnd epoch) {
        if (runEnded) {
            return;
        }
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("train/loss", epoch.meanLoss());
        values.put("train/lr", epoch.learningRate());
        values.put("train/epoch_seconds", epoch.seconds());
        epoch.validationMetrics().forEach((name, value) -> values.put("val/" + name, value));
        logQuietly(values, epoch.epoch(), true);
    }

    /**
     * Logs the run's length. {@link RunEnd#finalMetrics()} are validation values, already logged as
     * {@code val/<name>} at their epoch; the plain names are kept for test metrics ({@link #logResults}).
     */
    @Override
    public void onRunEnd(RunEnd end) {
        if (runEnded) {
            return;
        }
        runEnded = true;
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("train/epochs", (double) end.epochs());
        values.put("train/seconds", end.seconds());
        logQuietly(values, end.epochs(), true);
    }

    @Override
    public synchronized void onRunFailure(Throwable error) {
        if (foreignRun) {
            return;
        }
        finalStatus = error instanceof InterruptedException || error instanceof TrainingInterruptedException
                ? "KILLED" : "FAILED";
        if (worker != null) {
            String text = error.getClass().getName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
            offerBatches(List.of(), Map.of(), sanitizer.tags(Map.of(MlflowKeys.ERROR_TAG, text)));
        }
    }

    /**
     * Logs metrics at a step (final retrieval metrics, test results ...). Keys are made MLflow-safe; NaN is stored
     * as NaN and infinities as the largest finite doubles, with a warning the first time per key.
     *
     * @param metrics the values by name
     * @param step    the step
     * @throws IllegalStateException before {@link #onRunStart}
     */
    public void logMetrics(Map<String, Double> metrics, long step) {
        remember(log(metrics, step));
    }

    private List<MetricPoint> log(Map<String, Double> metrics, long step) {
        long now = System.currentTimeMillis();
        List<MetricPoint> points = new ArrayList<>(metrics.size());
        metrics.forEach((name, value) -> {
            String key = MlflowKeys.sanitizeKey(name);
            warnIfNonFinite(key, value, step);
            points.add(new MetricPoint(key, value, now, step));
        });
        offerBatches(points, Map.of(), Map.of());
        return points;
    }

    /**
     * Logs evaluation results under names that say which data they come from: test (evaluation) data under the
     * metrics' plain names ({@code precision_at_1}), validation data with {@code val/}, training data with
     * {@code train/}.
     *
     * @param metrics the values by name
     * @param context {@link DatasetInput#TEST}, {@link DatasetInput#VALIDATION} or {@link DatasetInput#TRAIN}
     * @param step    the step (e.g. the last epoch)
     * @throws IllegalArgumentException for another context
     * @throws IllegalStateException    before {@link #onRunStart}
     */
    public void logResults(Map<String, Double> metrics, String context, long step) {
        String prefix = switch (context) {
            case DatasetInput.TEST -> "";
            case DatasetInput.VALIDATION -> "val/";
            case DatasetInput.TRAIN -> "train/";
            default -> throw new IllegalArgumentException("Unknown evaluation context '" + context + "': use "
                    + DatasetInput.TEST + ", " + DatasetInput.VALIDATION + " or " + DatasetInput.TRAIN);
        };
        Map<String, Double> named = new LinkedHashMap<>();
        metrics.forEach((name, value) -> named.put(prefix + name, value));
        logMetrics(named, step);
    }

    /**
     * Logs datasets as the run's inputs (the UI's Dataset column); their source is masked like every text.
     *
     * @param inputs the datasets, each with its context
     * @throws IllegalStateException before {@link #onRunStart}
     */
    public void logDatasets(List<DatasetInput> inputs) {
        List<DatasetInput> masked = new ArrayList<>(inputs.size());
        for (DatasetInput input : inputs) {
            masked.add(new DatasetInput(input.name(), input.digest(), input.sourceType(),
                    sanitizer.redact(input.source()), input.schema(), input.profile(), input.context()));
        }
        requireStarted().offer(new TrackingRecord.LogInputs(masked), false);
    }

    /**
     * Logs extra params (e.g. CLI options); credentials are masked, long values truncated visibly.
     *
     * @param params the params
     * @throws IllegalStateException before {@link #onRunStart}
     */
    public void logParams(Map<String, String> params) {
        offerBatches(List.of(), sanitizer.params(params), Map.of());
    }

    /**
     * Sets tags on the run (e.g. the training mode, {@code dml4j.mode}); credentials are masked, long values
     * truncated visibly.
     *
     * @param tags the tags
     * @throws IllegalStateException before {@link #onRunStart}
     */
    public void logTags(Map<String, String> tags) {
        offerBatches(List.of(), Map.of(), sanitizer.tags(tags));
    }

    /**
     * Uploads a file as an artifact. The file is copied to the spool in the background: keep it until
     * {@link #finish()}.
     *
     * @param artifactPath the path below the run's artifact root, e.g. {@code config/train.xml}
     * @param file         the file
     * @throws IllegalArgumentException when the path would leave the artifact root or the file is not readable
     * @throws IllegalStateException    before {@link #onRunStart}
     */
    public void logArtifact(String artifactPath, Path file) {
        String path = ArtifactPaths.normalize(artifactPath);
        requireFile(file);
        requireStarted().offer(new TrackingRecord.LogArtifact(path, file.toAbsolutePath().toString()), false);
    }

    /**
     * Uploads a text as an artifact (credentials masked).
     *
     * @param artifactPath the path below the run's artifact root
     * @param text         the content, written as UTF-8
     * @throws IllegalArgumentException when the path would leave the artifact root
     * @throws IllegalStateException    before {@link #onRunStart}
     */
    public void logText(String artifactPath, String text) {
        String path = ArtifactPaths.normalize(artifactPath);
        DeliveryWorker started = requireStarted();
        try {
            Path file = Files.createTempFile("dml4j-mlflow-", ".txt");
            Files.writeString(file, sanitizer.redact(text), StandardCharsets.UTF_8);
            started.offer(new TrackingRecord.LogArtifact(path, file.toString()), true);
        } catch (IOException e) {
            LOG.log(Level.ERROR, "Cannot write the MLflow artifact " + path + " to a temporary file: " + e);
        }
    }

    /**
     * Logs a model directory: the model file (its name {@link ArtifactPaths#fileName made safe}) plus an
     * {@code MLmodel} file with a {@code dml4j} flavor, recorded
     * with {@code runs/log-model} so that the UI lists it, and optionally registered in the Model Registry.
     *
     * @param artifactPath the model directory below the run's artifact root, e.g. {@code model}
     * @param modelFile    the serialized Tribuo model (protobuf)
     * @param registration the registry entry to create, or null
     * @throws IllegalArgumentException when the path would leave the artifact root or the file is not readable
     * @throws IllegalStateException    before {@link #onRunStart}
     */
    public void logModel(String artifactPath, Path modelFile, ModelRegistration registration) {
        String path = ArtifactPaths.normalize(artifactPath);
        if (path.isEmpty()) {
            throw new IllegalArgumentException("The model's artifact path must name a directory, e.g. 'model'");
        }
        requireFile(modelFile);
        String fileName = ArtifactPaths.fileName(modelFile.getFileName().toString());
        Map<String, String> flavor = new LinkedHashMap<>();
        flavor.put("model_file", fileName);
        flavor.put("format", "tribuo-protobuf");
        flavor.put("loader", "org.tribuo.Model.deserializeFromFile");
        flavor.put("tribuo_version", Tribuo.VERSION);
        DeliveryWorker started = requireStarted();
        started.offer(new TrackingRecord.LogModel(path, modelFile.toAbsolutePath().toString(), fileName, flavor,
                MLMODEL_TIME.format(Instant.now()), UUID.randomUUID().toString().replace("-", "")), false);
        if (registration != null) {
            started.offer(new TrackingRecord.RegisterModel(registration.name(), path, registration.alias()), false);
        }
    }

    /**
     * Logs a Tribuo model as an MLflow 3 logged model of this run ({@link ModelDirectory}): the Tribuo protobuf
     * under the {@code dml4j} flavor and, for an {@link org.tribuo.ONNXExportable} model such as
     * {@code EmbeddingModel}, its ONNX graph under the {@code onnx} and {@code python_function} flavors with a tensor
     * signature. The model is linked to the run's outputs at {@code step}, and the metrics this tracker logged at
     * that step (the epoch's, for a checkpoint) are logged again as the model's. An ONNX export that fails is a
     * one-line warning and the model keeps its Tribuo flavor; a server without logged models (MLflow 2) gets a run
     * artifact folder instead, with a warning. The files are written and spooled before this returns.
     *
     * @param name         the model's name, e.g. {@code model} or {@code checkpoint-epoch-3}
     * @param model        the model
     * @param step         the run's step it belongs to (the number of epochs trained)
     * @param registration the registry entry to create (pointing at the logged model), or null
     * @throws IllegalArgumentException when the name is not a relative path
     * @throws IllegalStateException    before {@link #onRunStart}
     */
    public void logModel(String name, Model<?> model, long step, ModelRegistration registration) {
        logModel(name, model, step, registration, null);
    }

    /**
     * Logs a Tribuo model as an MLflow 3 logged model of this run, as {@link #logModel(String, Model, long,
     * ModelRegistration)} does, with the model's nearest-neighbour index inside the logged model
     * ({@link ModelDirectory#INDEX_FILE}, named with the model's digest by the {@code dml4j} flavor), so that MLflow
     * keeps, lists, downloads and registers the two together; {@link EmbeddingModelDirectory#load} reads both back.
     *
     * @param name         the model's name, e.g. {@code model}
     * @param model        the model, an {@link org.dml4j.model.EmbeddingModel} when an index is given
     * @param step         the run's step it belongs to (the number of epochs trained)
     * @param registration the registry entry to create (pointing at the logged model), or null
     * @param indexFile    an index file written for this model ({@code EmbeddingModel.saveIndex}), or null
     * @throws IllegalArgumentException when the name is not a relative path, or the index file is unreadable, not
     *                                  an index or was built for another model
     * @throws IllegalStateException    before {@link #onRunStart}
     */
    public void logModel(String name, Model<?> model, long step, ModelRegistration registration, Path indexFile) {
        String path = ArtifactPaths.normalize(name);
        if (path.isEmpty()) {
            throw new IllegalArgumentException("The model's name must be a relative path, e.g. 'model'");
        }
        DeliveryWorker started = requireStarted();
        if (indexFile != null) {
            ModelDirectory.checkIndex(model, indexFile);
        }
        try {
            Path folder = Files.createTempDirectory("dml4j-model-");
            folder.toFile().deleteOnExit();
            ModelDirectory directory = ModelDirectory.write(model, folder, MLMODEL_TIME.format(Instant.now()),
                    indexFile);
            if (directory.onnxProblem() != null) {
                LOG.log(Level.WARNING, directory.onnxProblem());
            }
            Map<String, String> files = new LinkedHashMap<>();
            directory.files().forEach((file, location) -> files.put(file, location.toString()));
            started.offer(new TrackingRecord.LogLoggedModel(path, UUID.randomUUID().toString(), files,
                    directory.content(), step, metricsAt(step),
                    registration == null ? null : registration.name(),
                    registration == null ? null : registration.alias()), true);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "MLflow model ''" + path + "'' was not logged: its files could not be written ("
                    + e + ")");
        }
    }

    private synchronized List<MetricPoint> metricsAt(long step) {
        return List.copyOf(stepMetrics.getOrDefault(step, Map.of()).values());
    }

    private synchronized void remember(List<MetricPoint> points) {
        for (MetricPoint point : points) {
            stepMetrics.computeIfAbsent(point.step(), s -> new LinkedHashMap<>()).put(point.key(), point);
        }
    }

    /**
     * Ends the run: sets its status ({@code FINISHED}, or {@code FAILED}/{@code KILLED} after
     * {@link #onRunFailure}) once everything before it was delivered, waiting at most the finish timeout. What is
     * not delivered by then stays spooled for {@link SpoolReplayer} ({@code ./dml4j sync}); the outcome says so.
     * Later calls return the same outcome.
     *
     * @return the outcome
     */
    public synchronized TrackingOutcome finish() {
        return end(finalStatus, options.finishTimeout());
    }

    private synchronized TrackingOutcome end(String status, Duration timeout) {
        if (outcome != null) {
            return outcome;
        }
        if (worker == null) {
            outcome = new TrackingOutcome(false, "The run was never started (no onRunStart), so nothing was"
                    + " tracked", options.spoolRoot(), null);
            return outcome;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook itself is ending the run
        }
        outcome = worker.finish(new TrackingRecord.SetStatus(status, System.currentTimeMillis()), timeout);
        LOG.log(outcome.delivered() ? Level.INFO : Level.WARNING, outcome.message());
        return outcome;
    }

    private void killedByShutdown() {
        end("FAILED".equals(finalStatus) ? "FAILED" : "KILLED", Duration.ofSeconds(5));
    }

    private Map<String, String> startTags(String runName) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(MlflowKeys.RUN_NAME_TAG, runName);
        tags.put(MlflowKeys.USER_TAG, System.getProperty("user.name", "unknown"));
        tags.put(MlflowKeys.SOURCE_NAME_TAG, options.sourceName());
        tags.put(MlflowKeys.SOURCE_TYPE_TAG, "LOCAL");
        tags.put(MlflowKeys.CLIENT_RUN_ID_TAG, clientRunId);
        if (options.gitCommit() != null) {
            tags.put(MlflowKeys.GIT_COMMIT_TAG, options.gitCommit());
        }
        if (options.description() != null) {
            tags.put(MlflowKeys.NOTE_TAG, options.description());
        }
        return tags;
    }

    private static Map<String, String> startParams(RunStart start) {
        Map<String, String> params = new LinkedHashMap<>();
        if (start.trainerProvenance() != null) {
            params.putAll(ProvenanceParams.flatten(start.trainerProvenance(), "trainer"));
        }
        if (start.datasetInfo() != null) {
            start.datasetInfo().forEach((key, value) -> params.put("data." + key, value));
        }
        return params;
    }

    private void logQuietly(Map<String, Double> values, long step, boolean epochLevel) {
        if (worker == null) {
            return; // not started, or tracking could not start: said once in onRunStart
        }
        try {
            List<MetricPoint> points = log(values, step);
            if (epochLevel) {
                remember(points);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "MLflow metrics at step " + step + " not logged: " + e.getMessage());
        }
    }

    private void warnIfNonFinite(String key, double value, long step) {
        if (!Double.isFinite(value) && nonFiniteKeys.add(key)) {
            LOG.log(Level.WARNING, "MLflow metric ''{0}'' is {1} at step {2}; MLflow stores NaN as NaN and"
                    + " infinities as the largest finite doubles, and its charts skip them", key, value, step);
        }
    }

    private void offerBatches(List<MetricPoint> metrics, Map<String, String> params, Map<String, String> tags) {
        DeliveryWorker started = requireStarted();
        for (TrackingRecord.LogBatch batch : BatchPacker.split(metrics, params, tags)) {
            started.offer(batch, false);
        }
    }

    private DeliveryWorker requireStarted() {
        DeliveryWorker started = worker;
        if (started == null) {
            throw new IllegalStateException("MlflowTracker: call onRunStart before logging (MLflow tracking could"
                    + " not start, or the run has not started)");
        }
        return started;
    }

    private static void requireFile(Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException("Artifact file " + file + " is not a readable file");
        }
    }
}
