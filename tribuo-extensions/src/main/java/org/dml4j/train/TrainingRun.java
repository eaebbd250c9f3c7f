package org.dml4j.train;

import org.dml4j.data.DenseData;
import org.dml4j.eval.RetrievalEvaluator;
import org.dml4j.eval.RetrievalMode;
import org.dml4j.loss.CrossBatchMemoryLoss;
import org.dml4j.loss.LossResult;
import org.dml4j.loss.MetricLoss;
import org.dml4j.loss.ReferenceLossResult;
import org.dml4j.loss.SelfSupervisedLoss;
import org.dml4j.mining.IndexTuples;
import org.dml4j.model.Tensors;
import org.dml4j.nd.FreeCores;
import org.dml4j.nd.Rows;
import org.dml4j.nd.Workspaces;
import org.dml4j.nn.EmbeddingNetwork;
import org.dml4j.nn.Layer;
import org.dml4j.nn.optim.ParameterGroup;
import org.dml4j.nn.optim.Updater;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One training run's mutable state and its epoch loop: plan batches (from class labels or annotated tuples, see
 * {@link BatchSource}), augment, embed, mine, compute the loss (against a cross-batch memory when configured, see
 * {@link CrossBatchMemoryLoss}), back-propagate, step the optimizer (network and loss parameters, the latter with
 * their own learning-rate multiplier), validate, stop early, checkpoint. Every random choice of epoch {@code e} derives from
 * {@code (runSeed, e)} and every dropout mask from the step (see {@link EmbeddingNetwork#beginStep}), so a run resumed
 * from a checkpoint continues exactly as an uninterrupted one. With a {@link SelfSupervision} each step embeds two
 * augmented views of the batch through the network and the projection head (trained together, see
 * {@link #trainedLayers}) and the model keeps the network alone. With a {@link FineTuning} the backbone of the network
 * is trained on its own schedule (see {@link BackboneTraining}). As one replica of a {@link ReplicaGroup} each step
 * embeds the replica's shard of the batch and exchanges embeddings and gradients with the others (see
 * {@link ReplicaStep}); only the first replica writes checkpoints.
 */
final class TrainingRun {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    /** Rows per forward pass when embedding a whole split. */
    static final int EMBED_BLOCK = 1024;
    private static final String LOSS_PREFIX = "loss.";
    /** The workspace each training step's temporaries live in (see {@link Workspaces}). */
    private static final String STEP_WORKSPACE = "DML4J_TRAINING_STEP";
    /** Separates the projection head's initialization seed from the network's. */
    private static final long HEAD_SEED_SALT = 0x5E1F5E1F5E1FL;

    private final MetricLearningTrainer config;
    private final DenseData train;
    private final DenseData validation;
    /** The mode's validation metrics, or null without validation. */
    private final ModeValidation modeValidation;
    private final long runSeed;
    private final ListenerGroup listeners;
    private final BatchSource batches;
    private final CrossBatchMemoryLoss crossBatchLoss;
    /** The network the model keeps. */
    private final EmbeddingNetwork network;
    /** The layers training updates: the network, then the projection head of self-supervised training if any. */
    private final EmbeddingNetwork trainedLayers;
    private final MetricLoss loss;
    private final MinedLoss minedLoss;
    private final Updater updater;
    private final BackboneTraining backboneTraining;
    /** The rows this epoch's batches are gathered from: the training features, or a frozen backbone's of them. */
    private INDArray stepInputs;
    /** The data-parallel replicas this run is one of, or null when it trains alone. */
    private final ReplicaGroup replicas;
    private long step;
    private int lastEpoch;
    private double bestMetric = Double.NaN;
    private int bestEpoch;
    private Map<String, INDArray> bestParameters = Map.of();
    private Map<String, INDArray> bestBuffers = Map.of();
    private int staleValidations;
    private Map<String, Double> lastMetrics = Map.of();

    TrainingRun(MetricLearningTrainer config, DenseData train, DenseData validation, BatchSource batches,
                long runSeed, ListenerGroup listeners, Checkpoint resume, ReplicaGroup replicas) {
        this.config = config;
        this.replicas = replicas;
        this.train = train;
        this.validation = validation;
        this.modeValidation = validation == null ? null
                : new ModeValidation(config, train, validation, config.rankingDistance());
        this.batches = batches;
        this.runSeed = runSeed;
        this.listeners = listeners;
        this.network = config.network().build(train.features().columns(), runSeed, DataType.FLOAT);
        this.trainedLayers = withProjectionHead(network, config, runSeed);
        this.loss = config.loss().forTraining(runSeed, train.labelIndex().size(), config.network().embeddingSize());
        this.minedLoss = new MinedLoss(loss, config.miner());
        this.crossBatchLoss = config.memorySize() > 0
                ? new CrossBatchMemoryLoss(loss, config.miner(), config.memorySize()) : null;
        this.updater = config.optimizer().newUpdater();
        this.backboneTraining = new BackboneTraining(config.fineTuning(), network, config.augmentation() != null);
        if (resume != null) {
            restore(resume);
        }
    }

    /** The network followed by the self-supervised projection head, or the network itself without one. */
    private static EmbeddingNetwork withProjectionHead(EmbeddingNetwork network, MetricLearningTrainer config,
                                                       long runSeed) {
        SelfSupervision ssl = config.selfSupervision();
        if (ssl == null || ssl.projectionHead() == null) {
            return network;
        }
        EmbeddingNetwork head = ssl.projectionHead().build(config.network().embeddingSize(),
                runSeed ^ HEAD_SEED_SALT, DataType.FLOAT);
        List<Layer> layers = new ArrayList<>(network.layers());
        layers.addAll(head.layers());
        return new EmbeddingNetwork(layers);
    }

    private void restore(Checkpoint c) {
        if (!c.networkSpec().equals(config.network().toString())) {
            throw new IllegalArgumentException("the checkpoint was written for network " + c.networkSpec()
                    + " but the trainer is configured with " + config.network());
        }
        backboneTraining.holdFrozen(c.epoch());
        Tensors.assignAll(trainedLayers.parameters(), c.parameters(), "checkpoint parameters");
        Tensors.assignAll(trainedLayers.buffers(), c.buffers(), "checkpoint buffers");
        Tensors.assignAll(loss.parameters(), c.lossParameters(), "checkpoint loss parameters");
        updater.restore(c.optimizer());
        step = c.step();
        lastEpoch = c.epoch();
        bestMetric = c.bestMetric();
        bestEpoch = c.bestEpoch();
        bestParameters = c.bestParameters();
        bestBuffers = c.bestBuffers();
        staleValidations = c.staleValidations();
        int remembered = c.memoryLabels().length;
        if (remembered > config.memorySize()) {
            throw new IllegalArgumentException("the checkpoint's cross-batch memory holds " + remembered
                    + " embeddings but the trainer is configured with memorySize " + config.memorySize());
        }
        if (crossBatchLoss != null && c.memoryEmbeddings() != null) {
            crossBatchLoss.memory().clear();
            crossBatchLoss.memory().enqueue(c.memoryEmbeddings(), c.memoryLabels());
        }
    }

    /** Trains the remaining epochs; returns the number of the last epoch trained. */
    int run() {
        for (int epoch = lastEpoch + 1; epoch <= config.epochs(); epoch++) {
            long start = System.nanoTime();
            double meanLoss = trainEpoch(epoch);
            Map<String, Double> metrics = validationDue(epoch) ? validate() : Map.of();
            boolean stop = !metrics.isEmpty() && updateEarlyStopping(epoch, metrics);
            lastEpoch = epoch;
            double seconds = (System.nanoTime() - start) / 1e9;
            double lr = learningRate();
            int finished = epoch;
            listeners.each(l -> l.onEpochEnd(new EpochEnd(finished, step, meanLoss, lr, metrics, seconds)));
            stop = stop || listeners.stopRequested();
            if (config.checkpointDirectory() != null && (replicas == null || replicas.rank() == 0) && (epoch % config.checkpointInterval() == 0 || stop
                    || epoch == config.epochs())) {
                saveCheckpoint(Path.of(config.checkpointDirectory()).resolve(Checkpoint.fileName(epoch)));
            }
            if (stop) {
                break;
            }
        }
        backboneTraining.holdFrozen(0);
        if (!bestParameters.isEmpty()) {
            // one map: a backbone held frozen when the best epoch was saved kept its parameters among the buffers
            Tensors.assignAll(union(trainedLayers.parameters(), trainedLayers.buffers()),
                    union(bestParameters, bestBuffers), "best parameters and buffers");
        }
        requireFiniteState(lastEpoch, -1);
        return lastEpoch;
    }

    /**
     * Fails when a parameter, buffer or loss parameter is not finite.
     *
     * @param epoch the epoch, from 1
     * @param batch the batch, or -1 after the epoch's last
     */
    private void requireFiniteState(int epoch, int batch) {
        List<String> bad = new ArrayList<>(Divergence.nonFinite("parameter", trainedLayers.parameters()));
        bad.addAll(Divergence.nonFinite("buffer", trainedLayers.buffers()));
        bad.addAll(Divergence.nonFinite("loss parameter", loss.parameters()));
        if (!bad.isEmpty()) {
            throw Divergence.error(epoch, batch, String.join(", ", bad), learningRate());
        }
    }

    private boolean validationDue(int epoch) {
        return validation != null && (epoch % config.validationInterval() == 0 || epoch == config.epochs());
    }

    private double learningRate() {
        return config.schedule().learningRate(config.learningRate(), step);
    }

    private double trainEpoch(int epoch) {
        SplittableRandom rng = new SplittableRandom(runSeed + GOLDEN_GAMMA * epoch);
        SplittableRandom augmentRng = rng.split();
        List<TrainingBatch> plan = batches.epoch(rng);
        backboneTraining.holdFrozen(epoch);
        stepInputs = backboneTraining.inputs(train.features(), EMBED_BLOCK);
        double sum = 0;
        for (int b = 0; b < plan.size(); b++) {
            if (Thread.currentThread().isInterrupted()) {
                throw new TrainingInterruptedException("training interrupted in epoch " + epoch);
            }
            FreeCores.adapt();
            double lr = learningRate();
            StepResult result;
            try (MemoryWorkspace ignored = Workspaces.pass(STEP_WORKSPACE)) {
                result = trainStep(plan.get(b), augmentRng, lr, epoch, b, plan.size());
            }
            step++;
            sum += result.loss();
            BatchEnd end = new BatchEnd(epoch, b, step, result.loss(), lr, result.mined());
            listeners.each(l -> l.onBatchEnd(end));
        }
        return plan.isEmpty() ? Double.NaN : sum / plan.size();
    }

    /** A step's loss and number of mined tuples (-1 without a miner). */
    private record StepResult(double loss, int mined) {
    }

    /**
     * One optimization step on one batch. Every ND4J array it creates lives in the step's workspace pass and is
     * invalid afterwards; what outlives the step (parameters, optimizer moments, the cross-batch memory) is updated in
     * place or created outside it (see {@link Workspaces#persistent}).
     */
    private StepResult trainStep(TrainingBatch batch, SplittableRandom augmentRng, double lr, int epoch, int b,
                                 int batches) {
        if (config.selfSupervision() != null) {
            return selfSupervisedStep(batch, augmentRng, lr, epoch, b);
        }
        ReplicaStep shard = replicas == null ? null : new ReplicaStep(replicas, batch.rows().length);
        INDArray x = Rows.gather(stepInputs, shard == null || config.augmentation() != null ? batch.rows()
                : Arrays.copyOfRange(batch.rows(), shard.from(), shard.to()));
        if (config.augmentation() != null) {
            x = config.augmentation().apply(x, augmentRng); // the whole batch: the same draws as one process
            x = shard == null ? x : shard.shard(x);
        }
        network.beginStep(step);
        EmbeddingNetwork stepNetwork = backboneTraining.stepNetwork();
        INDArray local = stepNetwork.forward(x, true);
        INDArray embeddings = shard == null ? local : shard.gather(local);
        LossResult result;
        IndexTuples tuples;
        if (crossBatchLoss != null) {
            CrossBatchMemoryLoss.Step memoryStep = crossBatchLoss.step(embeddings, batch.labels());
            result = memoryStep.result();
            tuples = memoryStep.tuples();
        } else {
            MinedLoss.MinedBatch mined = minedLoss.mine(embeddings, batch.labels(), batch.tuples());
            tuples = mined.tuples();
            result = mined.loss();
        }
        requireFinite(result.value(), embeddings, epoch, b, lr);
        if (shard == null) {
            stepNetwork.backwardParameters(result.embeddingGradient());
        } else {
            stepNetwork.backwardParameters(shard.shard(result.embeddingGradient()));
            Map<String, INDArray> averaged = new LinkedHashMap<>(prefixed(result.parameterGradients()));
            averaged.putAll(stepNetwork.buffers());
            shard.reduce(stepNetwork.gradients(), averaged);
        }
        updater.step(parameterGroups(result, epoch, b, batches), lr);
        return new StepResult(result.value(), tuples == null ? -1 : tuples.size());
    }

    /**
     * One self-supervised step: two independent augmentations of the batch (the first view of every row, then the
     * second), both embedded in one forward pass through the network and the projection head, the
     * {@link SelfSupervisedLoss} between them, back-propagation through both.
     */
    private StepResult selfSupervisedStep(TrainingBatch batch, SplittableRandom augmentRng, double lr, int epoch,
                                          int b) {
        INDArray x = Rows.gather(train.features(), batch.rows());
        SelfSupervision ssl = config.selfSupervision();
        INDArray first = ssl.views().apply(x, augmentRng);
        INDArray views = Nd4j.vstack(first, ssl.views().apply(x, augmentRng));
        trainedLayers.beginStep(step);
        INDArray projections = trainedLayers.forward(views, true);
        long n = x.rows();
        ReferenceLossResult result = ((SelfSupervisedLoss) loss).compute(
                projections.get(NDArrayIndex.interval(0, n), NDArrayIndex.all()),
                projections.get(NDArrayIndex.interval(n, 2 * n), NDArrayIndex.all()));
        requireFinite(result.value(), projections, epoch, b, lr);
        trainedLayers.backwardParameters(Nd4j.vstack(result.queryGradient(), result.referenceGradient()));
        updater.step(List.of(new ParameterGroup(trainedLayers.parameters(), trainedLayers.gradients(), 1.0)), lr);
        return new StepResult(result.value(), -1);
    }

    /**
     * Fails at the first non-finite loss or embedding (a scalar test and one sum over B × d, see {@link Divergence});
     * a non-finite gradient or parameter shows here one step after it appears, and is then named.
     */
    private void requireFinite(double value, INDArray embeddings, int epoch, int b, double lr) {
        String what = null;
        if (!Double.isFinite(value)) {
            what = "the loss (" + value + ")";
        } else if (!Divergence.isFinite(embeddings)) {
            what = "the batch's embeddings";
        }
        if (what != null) {
            List<String> bad = new ArrayList<>(Divergence.nonFinite("parameter", trainedLayers.parameters()));
            bad.addAll(Divergence.nonFinite("loss parameter", loss.parameters()));
            throw Divergence.error(epoch, b, bad.isEmpty() ? what : what + " (and " + String.join(", ", bad) + ")",
                    lr);
        }
    }

    /** The network's groups (see {@link BackboneTraining#groups}), then the loss's parameters with their factor. */
    private List<ParameterGroup> parameterGroups(LossResult result, int epoch, int b, int batches) {
        List<ParameterGroup> groups = new ArrayList<>(backboneTraining.groups(epoch, b, batches));
        if (!loss.parameters().isEmpty()) {
            groups.add(new ParameterGroup(prefixed(loss.parameters()), prefixed(result.parameterGradients()),
                    config.lossLearningRateMultiplier()));
        }
        return groups;
    }

    private static Map<String, INDArray> prefixed(Map<String, INDArray> arrays) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        arrays.forEach((k, v) -> out.put(LOSS_PREFIX + k, v));
        return out;
    }

    private Map<String, Double> validate() {
        INDArray embeddings = network.embedInBlocks(validation.features(), EMBED_BLOCK);
        lastMetrics = new RetrievalEvaluator(new int[]{1, 2, 4, 8, 16}, config.rankingDistance(),
                RetrievalEvaluator.DEFAULT_BLOCK_SIZE, false, RetrievalEvaluator.DEFAULT_SEED)
                .withFullRanking(config.validationFullRanking())
                .evaluate(embeddings, validation.labels(), null, null, RetrievalMode.SELF).summary();
        lastMetrics.putAll(modeValidation.metrics(network, embeddings));
        return lastMetrics;
    }

    /** Returns true when training should stop. */
    private boolean updateEarlyStopping(int epoch, Map<String, Double> metrics) {
        Double value = metrics.get(config.earlyStoppingMetric());
        if (value == null) {
            throw new IllegalArgumentException("earlyStoppingMetric '" + config.earlyStoppingMetric()
                    + "' is not a validation metric; choose one of " + metrics.keySet());
        }
        if (Double.isNaN(bestMetric) || value > bestMetric) {
            bestMetric = value;
            bestEpoch = epoch;
            bestParameters = copies(trainedLayers.parameters());
            bestBuffers = copies(trainedLayers.buffers());
            staleValidations = 0;
            return false;
        }
        staleValidations++;
        return config.patience() > 0 && staleValidations >= config.patience();
    }

    private static Map<String, INDArray> union(Map<String, INDArray> a, Map<String, INDArray> b) {
        Map<String, INDArray> out = new LinkedHashMap<>(a);
        out.putAll(b);
        return out;
    }

    private static Map<String, INDArray> copies(Map<String, INDArray> arrays) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        arrays.forEach((k, v) -> out.put(k, v.dup()));
        return out;
    }

    private void saveCheckpoint(Path file) {
        try {
            new Checkpoint(lastEpoch, step, config.network().toString(), trainedLayers.parameters(),
                    trainedLayers.buffers(),
                    loss.parameters(), updater.save(), bestMetric, bestEpoch, bestParameters, bestBuffers, runSeed,
                    staleValidations, crossBatchLoss == null ? null : crossBatchLoss.memory().embeddings(),
                    crossBatchLoss == null ? new int[0] : crossBatchLoss.memory().labels()).save(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    EmbeddingNetwork network() {
        return network;
    }

    Map<String, Double> lastMetrics() {
        return lastMetrics;
    }

    int bestEpoch() {
        return bestEpoch;
    }
}
