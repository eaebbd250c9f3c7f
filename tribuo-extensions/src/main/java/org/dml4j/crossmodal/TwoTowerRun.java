package org.dml4j.crossmodal;

import org.dml4j.nd.FreeCores;
import org.dml4j.nd.NativeOpThreads;
import org.dml4j.nd.Rows;
import org.dml4j.nn.EmbeddingNetwork;
import org.dml4j.nn.optim.ParameterGroup;
import org.dml4j.nn.optim.Updater;
import org.dml4j.sampling.ShuffleSampler;
import org.dml4j.train.BatchEnd;
import org.dml4j.train.EpochEnd;
import org.dml4j.train.ListenerGroup;
import org.dml4j.train.Divergence;
import org.dml4j.train.TrainingInterruptedException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.classification.Label;
import org.tribuo.provenance.ModelProvenance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One two-tower training run's state and epoch loop: shuffle the pairs, embed each batch's two modalities with their
 * towers, compute the cross-modal InfoNCE loss, back-propagate through both towers, step the optimizer on both
 * towers' parameters and the log-scale, clamp the log-scale, report to the listeners, validate.
 */
final class TwoTowerRun {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    /** Separates the second tower's initialization seed from the first's. */
    private static final long TOWER_B_SALT = 0x7B7B7B7B7B7BL;
    private static final String LOG_SCALE = "log_scale";
    private static final int EMBED_BLOCK = 1024;

    private final TwoTowerTrainer config;
    private final FeatureGroup groupA;
    private final FeatureGroup groupB;
    private final INDArray trainA;
    private final INDArray trainB;
    private final int[] trainLabels;
    private final Dataset<Label> train;
    private final Dataset<Label> validation;
    private final long runSeed;
    private final ListenerGroup listeners;
    private final EmbeddingNetwork towerA;
    private final EmbeddingNetwork towerB;
    private final CrossModalInfoNce loss;
    /** The log-scale s of the logits, a 1 × 1 parameter. */
    private final INDArray logScale;
    private final Updater updater;
    private long step;
    private Map<String, Double> lastMetrics = Map.of();

    TwoTowerRun(TwoTowerTrainer config, FeatureGroup groupA, FeatureGroup groupB, Dataset<Label> train,
                Dataset<Label> validation, long runSeed, ListenerGroup listeners) {
        this.config = config;
        this.groupA = groupA;
        this.groupB = groupB;
        this.train = train;
        this.validation = validation;
        this.runSeed = runSeed;
        this.listeners = listeners;
        List<Example<Label>> rows = new ArrayList<>();
        train.forEach(rows::add);
        this.trainA = groupA.rows(rows);
        this.trainB = groupB.rows(rows);
        this.trainLabels = CrossModalEvaluator.labelIds(rows);
        this.towerA = build(Modality.A, groupA, runSeed);
        this.towerB = build(Modality.B, groupB, runSeed ^ TOWER_B_SALT);
        this.loss = new CrossModalInfoNce(config.minTemperature(), config.maxTemperature());
        this.logScale = Nd4j.createFromArray(new float[][]{{(float) Math.log(1 / config.initialTemperature())}});
        this.updater = config.optimizer().newUpdater();
    }

    private EmbeddingNetwork build(Modality modality, FeatureGroup group, long seed) {
        try {
            return config.towerSpec(modality).build(group.width(), seed, DataType.FLOAT);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tower" + modality + " " + config.towerSpec(modality) + " does not fit "
                    + "modality " + modality + "'s " + group.width() + " features " + group.prefix() + "0.."
                    + group.prefix() + (group.width() - 1) + ": " + e.getMessage(), e);
        }
    }

    /** Trains every epoch (or until a listener asks to stop); returns the number of epochs trained. */
    int run() {
        try (NativeOpThreads threads = NativeOpThreads.limit(1)) {
            for (int epoch = 1; epoch <= config.epochs(); epoch++) {
                long start = System.nanoTime();
                double meanLoss = trainEpoch(epoch);
                Map<String, Double> metrics = validation == null ? Map.of() : validate();
                double seconds = (System.nanoTime() - start) / 1e9;
                double lr = learningRate();
                int finished = epoch;
                listeners.each(l -> l.onEpochEnd(new EpochEnd(finished, step, meanLoss, lr, metrics, seconds)));
                if (listeners.stopRequested()) {
                    return epoch;
                }
            }
            return config.epochs();
        }
    }

    private double learningRate() {
        return config.schedule().learningRate(config.learningRate(), step);
    }

    private double trainEpoch(int epoch) {
        SplittableRandom rng = new SplittableRandom(runSeed + GOLDEN_GAMMA * epoch);
        List<int[]> batches = new ShuffleSampler().epoch(trainLabels, config.batchSize(), rng);
        double sum = 0;
        int trained = 0;
        for (int b = 0; b < batches.size(); b++) {
            int[] rows = batches.get(b);
            if (rows.length < 2) {
                continue; // a single pair has no negative
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new TrainingInterruptedException("training interrupted in epoch " + epoch);
            }
            FreeCores.adapt();
            double lr = learningRate();
            double value = trainStep(rows, lr, epoch, b);
            step++;
            sum += value;
            trained++;
            BatchEnd end = new BatchEnd(epoch, b, step, value, lr, -1);
            listeners.each(l -> l.onBatchEnd(end));
        }
        return trained == 0 ? Double.NaN : sum / trained;
    }

    private double trainStep(int[] rows, double lr, int epoch, int b) {
        towerA.beginStep(step);
        towerB.beginStep(step);
        INDArray a = towerA.forward(Rows.gather(trainA, rows), true);
        INDArray bEmbeddings = towerB.forward(Rows.gather(trainB, rows), true);
        CrossModalInfoNce.Result result = loss.compute(a, bEmbeddings, logScale.getDouble(0));
        if (!Double.isFinite(result.value()) || !Divergence.isFinite(a) || !Divergence.isFinite(bEmbeddings)) {
            List<String> bad = new ArrayList<>(Divergence.nonFinite("towerA parameter", towerA.parameters()));
            bad.addAll(Divergence.nonFinite("towerB parameter", towerB.parameters()));
            throw Divergence.error(epoch, b, bad.isEmpty() ? "the loss (" + result.value() + ")"
                    : String.join(", ", bad), lr);
        }
        towerA.backwardParameters(result.gradientA());
        towerB.backwardParameters(result.gradientB());
        List<ParameterGroup> groups = new ArrayList<>();
        groups.add(new ParameterGroup(prefixed("a.", towerA.parameters()), prefixed("a.", towerA.gradients()), 1));
        groups.add(new ParameterGroup(prefixed("b.", towerB.parameters()), prefixed("b.", towerB.gradients()), 1));
        if (config.learnTemperature()) {
            groups.add(new ParameterGroup(Map.of(LOG_SCALE, logScale), Map.of(LOG_SCALE,
                    Nd4j.createFromArray(new float[][]{{(float) result.gradientScale()}})), 1));
        }
        updater.step(groups, lr);
        logScale.putScalar(0, loss.clamp(logScale.getDouble(0)));
        return result.value();
    }

    private static Map<String, INDArray> prefixed(String prefix, Map<String, INDArray> arrays) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        arrays.forEach((k, v) -> out.put(prefix + k, v));
        return out;
    }

    private Map<String, Double> validate() {
        List<Example<Label>> rows = new ArrayList<>();
        validation.forEach(rows::add);
        lastMetrics = new CrossModalEvaluator().evaluate(towerA.embedInBlocks(groupA.rows(rows), EMBED_BLOCK),
                towerB.embedInBlocks(groupB.rows(rows), EMBED_BLOCK), CrossModalEvaluator.labelIds(rows)).summary();
        return lastMetrics;
    }

    /**
     * The model of the trained towers, with the training rows' embeddings as references.
     *
     * @param name       the model name
     * @param provenance its provenance
     * @param featureMap both modalities' features
     * @param outputInfo the labels (of the whole dataset)
     * @return the model
     */
    TwoTowerModel model(String name, ModelProvenance provenance, ImmutableFeatureMap featureMap,
                        ImmutableOutputInfo<Label> outputInfo) {
        int[] ids = new int[train.size()];
        int i = 0;
        for (Example<Label> example : train) {
            ids[i++] = outputInfo.getID(example.getOutput());
        }
        return new TwoTowerModel(name, provenance, featureMap, outputInfo,
                new Tower(groupA, config.towerSpec(Modality.A).toString(), towerA,
                        towerA.embedInBlocks(trainA, EMBED_BLOCK)),
                new Tower(groupB, config.towerSpec(Modality.B).toString(), towerB,
                        towerB.embedInBlocks(trainB, EMBED_BLOCK)),
                ids, loss.clamp(logScale.getDouble(0)), config.neighbours());
    }

    Map<String, Double> lastMetrics() {
        return lastMetrics;
    }
}
