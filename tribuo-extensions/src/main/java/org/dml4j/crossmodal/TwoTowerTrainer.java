package org.dml4j.crossmodal;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;
import org.dml4j.nn.NetworkSpec;
import org.dml4j.nn.optim.Adam;
import org.dml4j.nn.optim.ConstantSchedule;
import org.dml4j.nn.optim.LearningRateSchedule;
import org.dml4j.nn.optim.Optimizer;
import org.dml4j.train.ListenerGroup;
import org.dml4j.train.ObservableTrainer;
import org.dml4j.train.RunEnd;
import org.dml4j.train.RunStart;
import org.dml4j.train.TrainingListener;
import org.dml4j.train.TrainingMode;
import org.tribuo.Dataset;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.TrainerProvenance;
import org.tribuo.provenance.impl.TrainerProvenanceImpl;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains a two-tower (CLIP-style) model on paired data, as a Tribuo {@code Trainer<Label>}: each example holds both
 * modalities' features (the groups {@code prefixA + i} and {@code prefixB + j}, see {@link PairedData}); one network
 * per modality ({@code towerA}, {@code towerB}: any architectures, each on its own input width, with the same
 * embedding width) embeds it, and the symmetric cross-modal InfoNCE loss ({@link CrossModalInfoNce}) pulls each
 * pair together and pushes the batch's other rows apart, in both directions. The temperature is learned as CLIP
 * learns it: its log-inverse {@code s} starts at {@code ln(1/initialTemperature)}, is stepped by the optimizer with
 * the towers' parameters, and is clamped to {@code [minTemperature, maxTemperature]} after every step (CLIP:
 * 0.07, [0.01, 1]); with {@code learnTemperature} false it stays at its initial value. Batches are shuffled pairs (a
 * last batch of a single pair is dropped: it has no negative). The label of an example says which rows are
 * relevant to each other in evaluation (same pair or same class); training does not use it.
 * <p>
 * Follows Tribuo's pattern as {@link org.dml4j.train.MetricLearningTrainer} does: {@code @Config} fields validated by
 * {@link #postConfig()}, a run seed derived from the seed and the invocation count, the provenance taken before the
 * count increments, the {@link TrainingMode} in the model's run provenance; progress goes to
 * {@link TrainingListener}s (so MLflow tracking works as for other runs). With {@code validationFraction > 0} a
 * random part of the pairs is held out and both directions' retrieval metrics ({@link CrossModalEvaluator}) are
 * reported every epoch.
 */
public final class TwoTowerTrainer implements ObservableTrainer {

    @Config(mandatory = true, description = "The first modality's network (e.g. an MlpSpec).")
    private NetworkSpec towerA;

    @Config(mandatory = true, description = "The second modality's network (e.g. a CnnSpec); the same embedding "
            + "width as towerA.")
    private NetworkSpec towerB;

    @Config(description = "The feature-name prefix of the first modality.")
    private String prefixA = "a_";

    @Config(description = "The feature-name prefix of the second modality.")
    private String prefixB = "b_";

    @Config(description = "The optimizer of both towers and the temperature.")
    private Optimizer optimizer = new Adam();

    @Config(description = "The learning-rate schedule.")
    private LearningRateSchedule schedule = new ConstantSchedule();

    @Config(description = "The base learning rate.")
    private double learningRate = 1e-3;

    @Config(description = "The initial temperature (CLIP: 0.07).")
    private double initialTemperature = 0.07;

    @Config(description = "The smallest temperature (CLIP clamps the logit scale at 100: 0.01).")
    private double minTemperature = 0.01;

    @Config(description = "The largest temperature (CLIP: 1).")
    private double maxTemperature = 1.0;

    @Config(description = "Whether the temperature is trained (else it stays at initialTemperature).")
    private boolean learnTemperature = true;

    @Config(description = "The number of epochs.")
    private int epochs = 10;

    @Config(description = "The number of pairs in a batch.")
    private int batchSize = 256;

    @Config(description = "The seed of every random choice.")
    private long seed = Trainer.DEFAULT_SEED;

    @Config(description = "The fraction of the pairs held out for validation (0: no validation).")
    private double validationFraction = 0;

    @Config(description = "The number of nearest references of the other modality that vote on a prediction.")
    private int neighbours = 10;

    private int invocationCount = 0;
    private final transient ListenerGroup listeners = new ListenerGroup();

    /** For OLCUT. */
    private TwoTowerTrainer() {
    }

    /**
     * Creates a trainer with CLIP's temperature settings, prefixes {@code a_} and {@code b_}, Adam with a constant
     * learning rate and no validation.
     *
     * @param towerA       the first modality's network
     * @param towerB       the second modality's network
     * @param epochs       the number of epochs
     * @param batchSize    the pairs per batch
     * @param learningRate the learning rate
     * @param seed         the seed of every random choice
     * @throws PropertyException if a value is out of range or the towers' embedding widths differ
     */
    public TwoTowerTrainer(NetworkSpec towerA, NetworkSpec towerB, int epochs, int batchSize, double learningRate,
                           long seed) {
        this(towerA, towerB, new Adam(), epochs, batchSize, learningRate, seed, 0.07, true, 0);
    }

    /**
     * Creates a trainer with prefixes {@code a_} and {@code b_}, a constant learning rate and CLIP's temperature
     * range.
     *
     * @param towerA             the first modality's network
     * @param towerB             the second modality's network
     * @param optimizer          the optimizer
     * @param epochs             the number of epochs
     * @param batchSize          the pairs per batch
     * @param learningRate       the learning rate
     * @param seed               the seed of every random choice
     * @param initialTemperature the initial temperature
     * @param learnTemperature   whether the temperature is trained
     * @param validationFraction the fraction of the pairs held out for validation
     * @throws PropertyException if a value is out of range or the towers' embedding widths differ
     */
    public TwoTowerTrainer(NetworkSpec towerA, NetworkSpec towerB, Optimizer optimizer, int epochs, int batchSize,
                           double learningRate, long seed, double initialTemperature, boolean learnTemperature,
                           double validationFraction) {
        this.towerA = towerA;
        this.towerB = towerB;
        this.optimizer = optimizer;
        this.epochs = epochs;
        this.batchSize = batchSize;
        this.learningRate = learningRate;
        this.seed = seed;
        this.initialTemperature = initialTemperature;
        this.learnTemperature = learnTemperature;
        this.validationFraction = validationFraction;
        postConfig();
    }

    /**
     * Validates the configuration.
     *
     * @throws PropertyException naming the field and the fix when a value is out of range or parts do not fit
     */
    @Override
    public void postConfig() {
        require(towerA != null, "towerA", "towerA must be set");
        require(towerB != null, "towerB", "towerB must be set");
        require(towerA.embeddingSize() == towerB.embeddingSize(), "towerB", "both towers must embed into the same "
                + "space: towerA " + towerA + " outputs " + towerA.embeddingSize() + " values, towerB " + towerB
                + " outputs " + towerB.embeddingSize() + "; make their last widths equal");
        require(prefixA != null && !prefixA.isEmpty() && prefixB != null && !prefixB.isEmpty(), "prefixA",
                "prefixA and prefixB must be non-empty, found '" + prefixA + "' and '" + prefixB + "'");
        require(!prefixA.startsWith(prefixB) && !prefixB.startsWith(prefixA), "prefixB", "neither prefix may "
                + "start with the other, found '" + prefixA + "' and '" + prefixB + "'");
        require(optimizer != null, "optimizer", "optimizer must be set (leave it out for the default)");
        require(schedule != null, "schedule", "schedule must be set (leave it out for the default)");
        require(learningRate > 0 && Double.isFinite(learningRate), "learningRate",
                "learningRate must be > 0, found " + learningRate);
        require(minTemperature > 0 && minTemperature <= maxTemperature && Double.isFinite(maxTemperature),
                "minTemperature", "temperatures need 0 < minTemperature <= maxTemperature, found " + minTemperature
                        + " and " + maxTemperature);
        require(initialTemperature >= minTemperature && initialTemperature <= maxTemperature, "initialTemperature",
                "initialTemperature must be in [minTemperature, maxTemperature] = [" + minTemperature + ", "
                        + maxTemperature + "], found " + initialTemperature);
        require(epochs >= 1, "epochs", "epochs must be >= 1, found " + epochs);
        require(batchSize >= 2, "batchSize", "batchSize must be >= 2 (a pair needs negatives), found " + batchSize);
        require(validationFraction >= 0 && validationFraction < 1, "validationFraction",
                "validationFraction must be in [0, 1), found " + validationFraction);
        require(neighbours >= 1, "neighbours", "neighbours must be >= 1, found " + neighbours);
    }

    private static void require(boolean condition, String field, String message) {
        if (!condition) {
            throw new PropertyException("", field, message);
        }
    }

    @Override
    public void addListener(TrainingListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(TrainingListener listener) {
        listeners.remove(listener);
    }

    @Override
    public TwoTowerModel train(Dataset<Label> examples) {
        return train(examples, Map.of());
    }

    @Override
    public TwoTowerModel train(Dataset<Label> examples, Map<String, Provenance> runProvenance) {
        return train(examples, runProvenance, INCREMENT_INVOCATION_COUNT);
    }

    @Override
    public TwoTowerModel train(Dataset<Label> examples, Map<String, Provenance> runProvenance, int invocationCount) {
        if (examples.size() < 2) {
            throw new IllegalArgumentException("need at least 2 training pairs, found " + examples.size());
        }
        TrainerProvenance trainerProvenance;
        long runSeed;
        synchronized (this) {
            if (invocationCount != INCREMENT_INVOCATION_COUNT) {
                setInvocationCount(invocationCount);
            }
            SplittableRandom rng = new SplittableRandom(seed);
            for (int i = 0; i < this.invocationCount; i++) {
                rng.split();
            }
            trainerProvenance = getProvenance();
            runSeed = rng.split().nextLong();
            this.invocationCount++;
        }
        ImmutableFeatureMap featureMap = examples.getFeatureIDMap();
        List<String> names = new ArrayList<>();
        featureMap.forEach(info -> names.add(info.getName()));
        String source = "the training data (" + examples.getSourceDescription() + ")";
        FeatureGroup groupA = FeatureGroup.of(prefixA, names, Modality.A, source);
        FeatureGroup groupB = FeatureGroup.of(prefixB, names, Modality.B, source);
        Split split = split(examples, runSeed);
        Map<String, Dataset<Label>> datasets = new LinkedHashMap<>();
        datasets.put(RunStart.TRAIN, split.train());
        if (split.validation() != null) {
            datasets.put(RunStart.VALIDATION, split.validation());
        }
        long start = System.nanoTime();
        listeners.each(l -> l.onRunStart(new RunStart("two-tower-" + towerA + "-" + towerB, trainerProvenance,
                examples.getProvenance(), datasetInfo(examples, groupA, groupB), datasets)));
        try {
            TwoTowerRun run = new TwoTowerRun(this, groupA, groupB, split.train(), split.validation(), runSeed,
                    listeners);
            int epochsTrained = run.run();
            Map<String, Provenance> instance = new LinkedHashMap<>(runProvenance);
            instance.put(TrainingMode.PROVENANCE_KEY, new StringProvenance(TrainingMode.PROVENANCE_KEY,
                    TrainingMode.CROSS_MODAL.cliName()));
            ModelProvenance provenance = new ModelProvenance(TwoTowerModel.class.getName(), OffsetDateTime.now(),
                    examples.getProvenance(), trainerProvenance, instance);
            TwoTowerModel model = run.model("dml4j-two-tower-model", provenance, featureMap,
                    examples.getOutputIDInfo());
            double seconds = (System.nanoTime() - start) / 1e9;
            listeners.each(l -> l.onRunEnd(new RunEnd(model, run.lastMetrics(), epochsTrained, seconds)));
            return model;
        } catch (RuntimeException | Error e) {
            listeners.each(l -> l.onRunFailure(e));
            throw e;
        }
    }

    /** The training pairs and the held-out validation pairs (null without validation). */
    private record Split(Dataset<Label> train, Dataset<Label> validation) {
    }

    private Split split(Dataset<Label> examples, long runSeed) {
        if (validationFraction == 0) {
            return new Split(examples, null);
        }
        PairedData.Split split = PairedData.split(examples, validationFraction, runSeed);
        return new Split(split.kept(), split.heldOut());
    }

    private Map<String, String> datasetInfo(Dataset<Label> examples, FeatureGroup a, FeatureGroup b) {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("dataset.size", String.valueOf(examples.size()));
        info.put("dataset.features_a", String.valueOf(a.width()));
        info.put("dataset.features_b", String.valueOf(b.width()));
        info.put("dataset.classes", String.valueOf(examples.getOutputInfo().size()));
        info.put("dataset.validation_fraction", String.valueOf(validationFraction));
        return info;
    }

    NetworkSpec towerSpec(Modality modality) {
        return modality == Modality.A ? towerA : towerB;
    }

    Optimizer optimizer() {
        return optimizer;
    }

    LearningRateSchedule schedule() {
        return schedule;
    }

    double learningRate() {
        return learningRate;
    }

    double initialTemperature() {
        return initialTemperature;
    }

    double minTemperature() {
        return minTemperature;
    }

    double maxTemperature() {
        return maxTemperature;
    }

    boolean learnTemperature() {
        return learnTemperature;
    }

    int epochs() {
        return epochs;
    }

    int batchSize() {
        return batchSize;
    }

    int neighbours() {
        return neighbours;
    }

    @Override
    public synchronized int getInvocationCount() {
        return invocationCount;
    }

    @Override
    public synchronized void setInvocationCount(int newInvocationCount) {
        if (newInvocationCount < 0) {
            throw new IllegalArgumentException("The supplied invocationCount is less than zero.");
        }
        invocationCount = newInvocationCount;
    }

    @Override
    public TrainerProvenance getProvenance() {
        return new TrainerProvenanceImpl(this);
    }

    @Override
    public String toString() {
        return "TwoTowerTrainer(towerA=" + towerA + " on " + prefixA + "*, towerB=" + towerB + " on " + prefixB
                + "*, optimizer=" + optimizer + ", learningRate=" + learningRate + ", epochs=" + epochs
                + ", batchSize=" + batchSize + ", temperature=" + initialTemperature + (learnTemperature
                ? " learned in [" + minTemperature + ", " + maxTemperature + "]" : " fixed") + ", seed=" + seed + ")";
    }
}
