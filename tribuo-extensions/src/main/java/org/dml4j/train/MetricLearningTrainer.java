package org.dml4j.train;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import org.dml4j.augment.Augmentation;
import org.dml4j.data.DenseData;
import org.dml4j.data.LabelIndex;
import org.dml4j.data.StratifiedSplit;
import org.dml4j.index.KnnDistance;
import org.dml4j.loss.MetricLoss;
import org.dml4j.loss.TupleLoss;
import org.dml4j.mining.Miner;
import org.dml4j.model.EmbeddingModel;
import org.dml4j.model.ReferenceSet;
import org.dml4j.nd.NativeOpThreads;
import org.dml4j.nn.NetworkSpec;
import org.dml4j.nn.optim.Adam;
import org.dml4j.nn.optim.ConstantSchedule;
import org.dml4j.nn.optim.LearningRateSchedule;
import org.dml4j.nn.optim.Optimizer;
import org.dml4j.sampling.BatchSampler;
import org.dml4j.sampling.MPerClassSampler;
import org.tribuo.Dataset;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.TrainerProvenance;
import org.tribuo.provenance.impl.TrainerProvenanceImpl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains an embedding network with a metric-learning loss, as a Tribuo {@code Trainer<Label>}: every part (network,
 * loss with its distance and reducer, miner, batch sampler, optimizer, schedule, augmentation) is a configurable
 * component, so a whole run is one OLCUT configuration file and every hyperparameter is in the model's provenance.
 * <p>
 * Training is reproducible: the same seed, invocation count and data give the same model on CPU. Progress is
 * reported to {@link TrainingListener}s. With {@code validationFraction > 0} a stratified part of the data is held
 * out and evaluated (retrieval metrics) every {@code validationInterval} epochs; with {@code patience > 0} training
 * stops when {@code earlyStoppingMetric} has not improved for that many validations, and the best network is kept.
 * With a {@code checkpointDirectory} the state is saved every {@code checkpointInterval} epochs, and
 * {@link #resume} continues a run from such a file.
 * <p>
 * Supervision comes from class labels (batches from the {@code sampler}, tuples from the {@code miner}) or, with a
 * {@link TupleSupervision}, from annotated pairs, triplets or quadruplets (Siamese, triplet and quadruplet networks).
 * With {@code memorySize > 0} the loss compares each batch with a cross-batch memory of recent embeddings (Wang et
 * al. 2020, "Cross-Batch Memory for Embedding Learning").
 */
public final class MetricLearningTrainer implements Trainer<Label> {

    @Config(mandatory = true, description = "The embedding network architecture (e.g. an MlpSpec).")
    private NetworkSpec network;

    @Config(mandatory = true, description = "The metric-learning loss, with its distance and reducer.")
    private MetricLoss loss;

    @Config(description = "The miner that selects tuples for the loss (none: the loss's default tuples).")
    private Miner miner;

    @Config(description = "The batch sampler.")
    private BatchSampler sampler = new MPerClassSampler(32);

    @Config(description = "The optimizer.")
    private Optimizer optimizer = new Adam();

    @Config(description = "The learning-rate schedule.")
    private LearningRateSchedule schedule = new ConstantSchedule();

    @Config(description = "The base learning rate.")
    private double learningRate = 1e-3;

    @Config(description = "The learning-rate multiplier of the loss's own parameters (proxies, class weights).")
    private double lossLearningRateMultiplier = 1.0;

    @Config(description = "Augmentation applied to each training batch (none by default).")
    private Augmentation augmentation;

    @Config(description = "The number of epochs.")
    private int epochs = 10;

    @Config(description = "The batch size.")
    private int batchSize = 256;

    @Config(description = "The seed of every random choice.")
    private long seed = Trainer.DEFAULT_SEED;

    @Config(description = "The fraction of each class held out for validation (0: no validation).")
    private double validationFraction = 0;

    @Config(description = "Validate every this many epochs.")
    private int validationInterval = 1;

    @Config(description = "The validation metric early stopping and best-model selection use (higher is better).")
    private String earlyStoppingMetric = "map_at_r";

    @Config(description = "Stop after this many validations without improvement (0: never stop early).")
    private int patience = 0;

    @Config(description = "Where checkpoints are written (none: no checkpoints).")
    private String checkpointDirectory;

    @Config(description = "Write a checkpoint every this many epochs.")
    private int checkpointInterval = 1;

    @Config(description = "Train from annotated pairs, triplets or quadruplets instead of class-label batches "
            + "(none: class labels and the sampler).")
    private TupleSupervision tupleSupervision;

    @Config(description = "The size of the cross-batch memory of recent embeddings the loss compares each batch "
            + "with (0: no memory).")
    private int memorySize = 0;

    @Config(description = "The reference set predictions search: TRAINING_SET or CLASS_CENTROIDS.")
    private ReferenceSet.Kind referenceKind = ReferenceSet.Kind.TRAINING_SET;

    @Config(description = "The number of nearest references that vote on a prediction.")
    private int neighbours = 10;

    private SplittableRandom rng;
    private int invocationCount = 0;
    private final transient ListenerGroup listeners = new ListenerGroup();

    private MetricLearningTrainer() {
        // For OLCUT.
    }

    /**
     * Creates a trainer with the defaults for everything but the network and the loss (Adam 1e-3, constant
     * schedule, batches of 256 with 32 per class, 10 epochs, no validation).
     *
     * @param network the architecture
     * @param loss    the loss
     */
    public MetricLearningTrainer(NetworkSpec network, MetricLoss loss) {
        this.network = network;
        this.loss = loss;
        postConfig();
    }

    @Override
    public synchronized void postConfig() {
        require(epochs >= 1, "epochs", "epochs must be >= 1, found " + epochs);
        require(batchSize >= 2, "batchSize", "batchSize must be >= 2, found " + batchSize);
        require(learningRate > 0 && Double.isFinite(learningRate), "learningRate",
                "learningRate must be > 0, found " + learningRate);
        require(lossLearningRateMultiplier > 0, "lossLearningRateMultiplier",
                "lossLearningRateMultiplier must be > 0, found " + lossLearningRateMultiplier);
        require(validationFraction >= 0 && validationFraction < 1, "validationFraction",
                "validationFraction must be in [0, 1), found " + validationFraction);
        require(validationInterval >= 1, "validationInterval", "validationInterval must be >= 1");
        require(patience >= 0, "patience", "patience must be >= 0, found " + patience);
        require(patience == 0 || validationFraction > 0, "patience",
                "early stopping (patience > 0) needs validation: set validationFraction > 0");
        require(checkpointInterval >= 1, "checkpointInterval", "checkpointInterval must be >= 1");
        require(neighbours >= 1, "neighbours", "neighbours must be >= 1, found " + neighbours);
        require(memorySize >= 0, "memorySize", "memorySize must be >= 0 (0: no memory), found " + memorySize);
        require(memorySize == 0 || memorySize >= batchSize, "memorySize", "memorySize must be 0 (no memory) or >= "
                + "batchSize " + batchSize + ", found " + memorySize);
        require(memorySize == 0 || loss instanceof TupleLoss, "memorySize", "memorySize > 0 needs a loss over "
                + "tuples of the batch (a TupleLoss), found " + lossName());
        require(memorySize == 0 || tupleSupervision == null, "memorySize", "memorySize must be 0 with "
                + "tupleSupervision: the memory mines by class label, found " + memorySize);
        require(tupleSupervision == null || loss instanceof TupleLoss, "tupleSupervision", "tupleSupervision needs "
                + "a loss over tuples (a TupleLoss such as ContrastiveLoss or TripletMarginLoss), found "
                + lossName());
        require(tupleSupervision == null || miner == null, "tupleSupervision", "tupleSupervision gives the tuples "
                + "itself; unset the miner, found " + miner);
        this.rng = new SplittableRandom(seed);
    }

    private String lossName() {
        return loss == null ? "none" : loss.getClass().getSimpleName();
    }

    private static void require(boolean condition, String field, String message) {
        if (!condition) {
            throw new PropertyException("", field, message);
        }
    }

    /**
     * Sets the training options most runs change, returning this trainer.
     *
     * @param epochs       the number of epochs
     * @param batchSize    the batch size
     * @param learningRate the learning rate
     * @param seed         the seed
     * @return this trainer
     */
    public synchronized MetricLearningTrainer withTraining(int epochs, int batchSize, double learningRate,
                                                           long seed) {
        this.epochs = epochs;
        this.batchSize = batchSize;
        this.learningRate = learningRate;
        this.seed = seed;
        postConfig();
        return this;
    }

    /**
     * Sets the miner, sampler and optimizer, returning this trainer.
     *
     * @param miner     the miner, or null for none
     * @param sampler   the batch sampler
     * @param optimizer the optimizer
     * @return this trainer
     */
    public synchronized MetricLearningTrainer withParts(Miner miner, BatchSampler sampler, Optimizer optimizer) {
        this.miner = miner;
        this.sampler = sampler;
        this.optimizer = optimizer;
        postConfig();
        return this;
    }

    /**
     * Trains from annotated tuples instead of class-label batches: each batch is {@code batchSize} shuffled tuples of
     * the annotation file (the sampler is not used), and the loss receives them as its tuples. Needs a
     * {@link TupleLoss} and no miner. Validation and early stopping still use the dataset's class labels.
     *
     * @param supervision the annotations, or null to train from class labels
     * @return this trainer
     */
    public synchronized MetricLearningTrainer withTupleSupervision(TupleSupervision supervision) {
        this.tupleSupervision = supervision;
        postConfig();
        return this;
    }

    /**
     * Computes the loss against a cross-batch memory of the most recent {@code memorySize} embeddings (Wang et al.
     * 2020): the batch rows are the anchors, the memory (which includes the batch, detached) supplies the positives
     * and negatives, and the gradient flows only through the anchors. The miner, if any, mines the batch together
     * with the memory. Needs a {@link TupleLoss} and {@code memorySize >= batchSize}.
     *
     * @param memorySize the number of remembered embeddings (0: no memory)
     * @return this trainer
     */
    public synchronized MetricLearningTrainer withCrossBatchMemory(int memorySize) {
        this.memorySize = memorySize;
        postConfig();
        return this;
    }

    /**
     * Sets validation, early stopping and checkpointing, returning this trainer.
     *
     * @param validationFraction  the held-out fraction of each class (0: none)
     * @param patience            validations without improvement before stopping (0: never)
     * @param checkpointDirectory where to write checkpoints, or null for none
     * @param checkpointInterval  write one every this many epochs
     * @return this trainer
     */
    public synchronized MetricLearningTrainer withValidation(double validationFraction, int patience,
                                                             String checkpointDirectory, int checkpointInterval) {
        this.validationFraction = validationFraction;
        this.patience = patience;
        this.checkpointDirectory = checkpointDirectory;
        this.checkpointInterval = checkpointInterval;
        postConfig();
        return this;
    }

    /**
     * Adds a listener for the runs this trainer starts.
     *
     * @param listener the listener
     */
    public void addListener(TrainingListener listener) {
        listeners.add(listener);
    }

    /**
     * Removes a listener.
     *
     * @param listener the listener
     */
    public void removeListener(TrainingListener listener) {
        listeners.remove(listener);
    }

    @Override
    public EmbeddingModel train(Dataset<Label> examples) {
        return train(examples, Map.of());
    }

    @Override
    public EmbeddingModel train(Dataset<Label> examples, Map<String, Provenance> runProvenance) {
        return train(examples, runProvenance, INCREMENT_INVOCATION_COUNT);
    }

    @Override
    public EmbeddingModel train(Dataset<Label> examples, Map<String, Provenance> runProvenance, int invocationCount) {
        return run(examples, runProvenance, invocationCount, null);
    }

    /**
     * Continues a run from a checkpoint this trainer (same configuration, same data) wrote; the result is the same
     * model an uninterrupted run gives.
     *
     * @param examples   the training data of the interrupted run
     * @param checkpoint the checkpoint file
     * @return the model
     * @throws UncheckedIOException if the checkpoint cannot be read
     */
    public EmbeddingModel resume(Dataset<Label> examples, Path checkpoint) {
        try {
            return run(examples, Map.of(), INCREMENT_INVOCATION_COUNT, Checkpoint.load(checkpoint));
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    private EmbeddingModel run(Dataset<Label> examples, Map<String, Provenance> runProvenance, int invocationCount,
                               Checkpoint resume) {
        if (examples.size() < 2) {
            throw new IllegalArgumentException("need at least 2 training examples, found " + examples.size());
        }
        TrainerProvenance trainerProvenance;
        long runSeed;
        synchronized (this) {
            if (invocationCount != INCREMENT_INVOCATION_COUNT) {
                setInvocationCount(invocationCount);
            }
            SplittableRandom localRng = rng.split();
            trainerProvenance = getProvenance();
            runSeed = localRng.nextLong();
            this.invocationCount++;
        }
        if (resume != null) {
            runSeed = resume.runSeed();
        }
        ImmutableFeatureMap featureMap = examples.getFeatureIDMap();
        LabelIndex labelIndex = LabelIndex.of(examples);
        DenseData trainData;
        DenseData validationData = null;
        int[] trainRows = null;
        if (validationFraction > 0) {
            StratifiedSplit split = StratifiedSplit.of(examples, validationFraction, runSeed, featureMap);
            trainData = DenseData.of(split.train(), featureMap, labelIndex);
            validationData = DenseData.of(split.validation(), featureMap, labelIndex);
            trainRows = split.train().getExampleIndices();
        } else {
            trainData = DenseData.of(examples, featureMap, labelIndex);
        }
        BatchSource batches = batchSource(examples, trainData, trainRows);
        long start = System.nanoTime();
        listeners.each(l -> l.onRunStart(new RunStart(loss.getClass().getSimpleName() + "-" + network,
                trainerProvenance, examples.getProvenance(), datasetInfo(examples, labelIndex))));
        try (NativeOpThreads threads = NativeOpThreads.limit(1)) {
            TrainingRun run = new TrainingRun(this, trainData, validationData, batches, runSeed, listeners,
                    resume);
            int epochsTrained = run.run();
            ModelProvenance provenance = new ModelProvenance(EmbeddingModel.class.getName(), OffsetDateTime.now(),
                    examples.getProvenance(), trainerProvenance, runProvenance);
            EmbeddingModel model = new EmbeddingModel("dml4j-embedding-model", provenance, featureMap,
                    examples.getOutputIDInfo(), run.network(), network.toString(),
                    References.build(run.network(), trainData, examples.getOutputIDInfo(), referenceKind),
                    neighbours, KnnDistance.SQUARED_EUCLIDEAN);
            double seconds = (System.nanoTime() - start) / 1e9;
            listeners.each(l -> l.onRunEnd(new RunEnd(model, run.lastMetrics(), epochsTrained, seconds)));
            return model;
        } catch (RuntimeException | Error e) {
            listeners.each(l -> l.onRunFailure(e));
            throw e;
        }
    }

    /**
     * The batches: class-label batches from the sampler, or annotated tuples mapped to training rows.
     *
     * @param examples  the whole dataset (the annotation ids refer to it)
     * @param trainData the training part
     * @param trainRows the dataset row of each training row, or null when all rows train
     */
    private BatchSource batchSource(Dataset<Label> examples, DenseData trainData, int[] trainRows) {
        if (tupleSupervision == null) {
            return new ClassBatches(sampler, trainData.labels(), batchSize);
        }
        int[] trainRowOf = new int[examples.size()];
        for (int i = 0; i < trainRowOf.length; i++) {
            trainRowOf[i] = trainRows == null ? i : -1;
        }
        if (trainRows != null) {
            for (int i = 0; i < trainRows.length; i++) {
                trainRowOf[trainRows[i]] = i;
            }
        }
        return new TupleBatches(tupleSupervision.read(examples), trainRowOf, batchSize);
    }

    private Map<String, String> datasetInfo(Dataset<Label> examples, LabelIndex labels) {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("dataset.size", String.valueOf(examples.size()));
        info.put("dataset.features", String.valueOf(examples.getFeatureIDMap().size()));
        info.put("dataset.classes", String.valueOf(labels.size()));
        info.put("dataset.validation_fraction", String.valueOf(validationFraction));
        return info;
    }

    NetworkSpec network() {
        return network;
    }

    MetricLoss loss() {
        return loss;
    }

    Miner miner() {
        return miner;
    }

    BatchSampler sampler() {
        return sampler;
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

    double lossLearningRateMultiplier() {
        return lossLearningRateMultiplier;
    }

    Augmentation augmentation() {
        return augmentation;
    }

    int epochs() {
        return epochs;
    }

    int batchSize() {
        return batchSize;
    }

    int validationInterval() {
        return validationInterval;
    }

    String earlyStoppingMetric() {
        return earlyStoppingMetric;
    }

    int patience() {
        return patience;
    }

    String checkpointDirectory() {
        return checkpointDirectory;
    }

    int checkpointInterval() {
        return checkpointInterval;
    }

    int memorySize() {
        return memorySize;
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
        rng = new SplittableRandom(seed);
        for (invocationCount = 0; invocationCount < newInvocationCount; invocationCount++) {
            rng.split();
        }
    }

    @Override
    public TrainerProvenance getProvenance() {
        return new TrainerProvenanceImpl(this);
    }

    @Override
    public String toString() {
        return "MetricLearningTrainer(network=" + network + ", loss=" + loss + ", miner=" + miner + ", sampler="
                + sampler + ", optimizer=" + optimizer + ", learningRate=" + learningRate + ", epochs=" + epochs
                + ", batchSize=" + batchSize + ", seed=" + seed + ", tupleSupervision=" + tupleSupervision
                + ", memorySize=" + memorySize + ")";
    }
}
