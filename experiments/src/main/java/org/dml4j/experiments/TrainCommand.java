package org.dml4j.experiments;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import org.dml4j.data.LabelIndex;
import org.dml4j.eval.RetrievalEvaluation;
import org.dml4j.model.EmbeddingModel;
import org.dml4j.mlflow.TrackingOutcome;
import org.dml4j.nn.NetworkSpec;
import org.dml4j.nn.NetworkSpecs;
import org.dml4j.sampling.MPerClassSampler;
import org.dml4j.train.EpochEnd;
import org.dml4j.train.MetricLearningTrainer;
import org.dml4j.train.TrainingListener;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code dml4j train}: trains an embedding model, evaluates it by retrieval on the evaluation split, prints the
 * metrics, and optionally writes the model, the metrics as JSON, and tracks the run in MLflow.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train an embedding model and evaluate it by retrieval (each evaluation example queries "
                + "all the others).",
                "Losses: contrastive, triplet, quadruplet, proxy-nca, proxy-anchor, multi-similarity, ntxent, "
                        + "supcon, arcface, cosface, circle, margin, lifted-structure, nca.",
                "Miners: all, hard, semihard, easy (triplet margin miners), batch-hard, multi-similarity, "
                        + "pair-margin, distance-weighted, none.",
                "Networks: mlp:H1,...,EMB[:options] (e.g. mlp:512,128) or cnn:C1,C2,EMB[:options]."})
public final class TrainCommand implements Callable<Integer> {

    @Mixin
    private DatasetOptions data;

    @Option(names = "--config", paramLabel = "FILE", description = "An OLCUT configuration file with the trainer "
            + "(then --loss, --miner, --network, --optimizer and the training numbers come from it).")
    private Path config;

    @Option(names = "--config-name", defaultValue = "trainer", paramLabel = "NAME",
            description = "The trainer's component name in --config. Default: ${DEFAULT-VALUE}.")
    private String configName;

    @Option(names = "--loss", defaultValue = "triplet", description = "The loss. Default: ${DEFAULT-VALUE}.")
    private String loss;

    @Option(names = "--margin", description = "The margin of triplet/quadruplet losses and triplet miners, and "
            + "the negative margin of the contrastive loss (default: PML's).")
    private Double margin;

    @Option(names = "--miner", defaultValue = "none", description = "The miner. Default: ${DEFAULT-VALUE}.")
    private String miner;

    @Option(names = "--network", defaultValue = "mlp:512,128", description = "Default: ${DEFAULT-VALUE}.")
    private String network;

    @Option(names = "--optimizer", defaultValue = "adam", description = "adam, adamw, sgd or rmsprop. "
            + "Default: ${DEFAULT-VALUE}.")
    private String optimizer;

    @Option(names = "--lr", defaultValue = "0.001", description = "Learning rate. Default: ${DEFAULT-VALUE}.")
    private double learningRate;

    @Option(names = "--epochs", defaultValue = "10", description = "Default: ${DEFAULT-VALUE}.")
    private int epochs;

    @Option(names = "--batch-size", defaultValue = "256", description = "Default: ${DEFAULT-VALUE}.")
    private int batchSize;

    @Option(names = "--m-per-class", defaultValue = "32",
            description = "Examples per class in a batch. Default: ${DEFAULT-VALUE}.")
    private int mPerClass;

    @Option(names = "--seed", defaultValue = "0", description = "Default: ${DEFAULT-VALUE}.")
    private long seed;

    @Option(names = "--validation-fraction", defaultValue = "0",
            description = "Hold out this fraction of each training class for validation. Default: ${DEFAULT-VALUE}.")
    private double validationFraction;

    @Option(names = "--patience", defaultValue = "0",
            description = "Stop after this many validations without improvement (0: never).")
    private int patience;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR", description = "Write a checkpoint after every epoch.")
    private Path checkpointDir;

    @Option(names = "--model-out", paramLabel = "FILE", description = "Write the trained model (protobuf).")
    private Path modelOut;

    @Option(names = "--metrics-out", paramLabel = "FILE", description = "Write the final metrics as JSON.")
    private Path metricsOut;

    @Option(names = "--quiet", description = "Print only the final metrics.")
    private boolean quiet;

    @Mixin
    private TrackingOptions tracking;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DatasetOptions.Splits splits = data.load(seed);
        MetricLearningTrainer trainer = config != null ? fromConfig() : fromOptions(splits);
        if (!quiet) {
            trainer.addListener(new ProgressListener(err, epochs));
        }
        EpochTimes times = new EpochTimes();
        trainer.addListener(times);
        TrackingOptions.Tracking tracked = tracking.open("dml4j train: " + splits.description() + ", " + trainer);
        if (tracked != null) {
            trainer.addListener(tracked.tracker());
        }
        EmbeddingModel model = trainer.train(splits.train());
        RetrievalEvaluation evaluation = Evaluation.retrieval(model, splits.eval());
        Map<String, Double> metrics = new LinkedHashMap<>(evaluation.summary());
        metrics.put("epoch_seconds_mean", times.mean());
        Evaluation.printTable(out, metrics);
        if (modelOut != null) {
            model.serializeToFile(modelOut);
        }
        if (metricsOut != null) {
            writeJson(metricsOut, metrics);
        }
        if (tracked != null) {
            finishTracking(tracked, metrics, err);
        }
        return 0;
    }

    private void finishTracking(TrackingOptions.Tracking tracked, Map<String, Double> metrics, PrintWriter err)
            throws IOException {
        tracked.tracker().logMetrics(metrics, epochs);
        Path metricsFile = metricsOut != null ? metricsOut : Files.createTempFile("dml4j-metrics", ".json");
        if (metricsOut == null) {
            writeJson(metricsFile, metrics);
        }
        tracked.tracker().logArtifact("metrics.json", metricsFile);
        if (modelOut != null) {
            tracked.tracker().logModel("model", modelOut, null);
        }
        if (config != null) {
            tracked.tracker().logArtifact("config/" + config.getFileName(), config);
        }
        TrackingOutcome outcome = tracked.tracker().finish();
        err.println(outcome.message());
        tracked.runUrl().ifPresent(url -> err.println("MLflow run: " + url));
        err.flush();
    }

    private static void writeJson(Path file, Map<String, Double> metrics) {
        try {
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), metrics);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private MetricLearningTrainer fromOptions(DatasetOptions.Splits splits) {
        NetworkSpec spec;
        try {
            spec = NetworkSpecs.parse(network);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
        int classes = LabelIndex.of(splits.train()).size();
        MetricLearningTrainer trainer = new MetricLearningTrainer(spec,
                Components.loss(loss, margin, classes, spec.embeddingSize()));
        if (batchSize % mPerClass != 0) {
            throw new UserError("--batch-size " + batchSize + " must be a multiple of --m-per-class " + mPerClass);
        }
        return trainer.withParts(Components.miner(miner, margin, seed), new MPerClassSampler(mPerClass),
                        Components.optimizer(optimizer))
                .withTraining(epochs, batchSize, learningRate, seed)
                .withValidation(validationFraction, patience, checkpointDir == null ? null : checkpointDir.toString(),
                        1);
    }

    private MetricLearningTrainer fromConfig() {
        if (!Files.isRegularFile(config)) {
            throw new UserError("Configuration file not found: " + config);
        }
        ConfigurationManager cm = new ConfigurationManager(config.toString());
        Object trainer = cm.lookup(configName);
        if (!(trainer instanceof MetricLearningTrainer metricTrainer)) {
            throw new UserError(config + " has no MetricLearningTrainer named '" + configName + "' (found "
                    + (trainer == null ? "nothing" : trainer.getClass().getName()) + "); set --config-name.");
        }
        return metricTrainer;
    }

    /** Collects epoch wall times. */
    private static final class EpochTimes implements TrainingListener {
        private double total;
        private int count;

        @Override
        public void onEpochEnd(EpochEnd epoch) {
            total += epoch.seconds();
            count++;
        }

        double mean() {
            return count == 0 ? 0 : total / count;
        }
    }
}
