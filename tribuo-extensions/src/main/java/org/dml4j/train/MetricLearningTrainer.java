package org.dml4j.train;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.EnumProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;
import org.dml4j.augment.Augmentation;
import org.dml4j.data.DenseData;
import org.dml4j.data.LabelIndex;
import org.dml4j.data.StratifiedSplit;
import org.dml4j.data.UnlabeledData;
import org.dml4j.index.KnnDistance;
import org.dml4j.loss.ClassParameterLoss;
import org.dml4j.loss.MetricLoss;
import org.dml4j.loss.PrototypicalLoss;
import org.dml4j.loss.SelfSupervisedLoss;
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
import org.dml4j.sampling.EpisodeSampler;
import org.dml4j.sampling.MPerClassSampler;
import org.dml4j.sampling.ShuffleSampler;
import org.tribuo.Dataset;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
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
 * A trainer is configured once — by a constructor for the common cases, by {@link #builder} for every option, or
 * by OLCUT — and is immutable afterwards ({@link #toBuilder} starts a differently configured one). Training follows
 * Tribuo's pattern: the run's generator derives from the seed and the invocation count alone, and the provenance is
 * taken before the count increments, so every model's provenance rebuilds it bit-identically on CPU (OLCUT's
 * {@code ProvenanceUtil.extractConfiguration}, then {@link #setInvocationCount}).
 * <p>
 * Before the first step the configuration and data are checked, each failure naming the field or example and the
 * fix: the batch size against the sampler, the loss's sizes against the network and the data (a per-class loss left
 * without {@code numClasses}/{@code embeddingSize} takes them from the data and the network), and every feature
 * finite in float32 and every example weight 1 (see {@link TrainingInputs}). A run that diverges ends with a
 * {@link TrainingDivergedException} at the first non-finite loss, embedding or gradient. The model ranks with the
 * {@code rankingDistance}, by default the one matching the loss's distance, recorded in the model's provenance.
 * <p>
 * Progress is reported to {@link TrainingListener}s, runtime attachments outside the configuration, which may
 * request a stop. With {@code validationFraction > 0} a stratified part of the data is held
 * out and evaluated (retrieval metrics, and the mode's own, see {@link ModeValidation}) every
 * {@code validationInterval} epochs; with {@code patience > 0} training
 * stops when {@code earlyStoppingMetric} has not improved for that many validations, and the best network is kept.
 * With a {@code checkpointDirectory} the state is saved every {@code checkpointInterval} epochs, and
 * {@link #resume} continues a run from such a file.
 * <p>
 * Supervision comes from class labels (batches from the {@code sampler}, tuples from the {@code miner}) or, with a
 * {@link TupleSupervision}, from annotated pairs, triplets or quadruplets (Siamese, triplet and quadruplet networks).
 * With {@code memorySize > 0} the loss compares each batch with a cross-batch memory of recent embeddings (Wang et
 * al. 2020, "Cross-Batch Memory for Embedding Learning").
 * <p>
 * With a {@link SelfSupervision} (and a {@link SelfSupervisedLoss}, a {@link ShuffleSampler}) training is
 * self-supervised, as SimCLR: two augmented views of each example, a projection head dropped from the model, and no
 * use of the labels except by validation. It alone takes unlabeled examples (Tribuo's unknown label, see
 * {@link UnlabeledData}; without validation): their model's references carry that label. With a {@link FineTuning}
 * a pretrained backbone (an {@code onnx:} network) trains on its own schedule: its own learning-rate multiplier, a
 * head-only warm-up with the backbone frozen, and cached features of a frozen backbone. The model's run provenance
 * records the {@link TrainingMode} under {@value TrainingMode#PROVENANCE_KEY}.
 */
public final class MetricLearningTrainer implements ObservableTrainer, Cloneable {

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

    @Config(description = "Also report full-ranking map in validation (a second ranking pass for most queries); "
            + "false for validation sets too large for it.")
    private boolean validationFullRanking = true;

    @Config(description = "Where checkpoints are written (none: no checkpoints).")
    private String checkpointDirectory;

    @Config(description = "Write a checkpoint every this many epochs.")
    private int checkpointInterval = 1;

    @Config(description = "Train from annotated pairs, triplets or quadruplets instead of class-label batches "
            + "(none: class labels and the sampler).")
    private TupleSupervision tupleSupervision;

    @Config(description = "Self-supervised training from two augmented views of each example, with a projection "
            + "head (none: supervised by labels or tuples). Labels are then ignored by training.")
    private SelfSupervision selfSupervision;

    @Config(description = "How a pretrained backbone (onnx: network spec) is fine-tuned: its learning-rate "
            + "multiplier, a head-only warm-up with the backbone frozen, a cache of a frozen backbone's features "
            + "(none: the whole network trains with the learning rate).")
    private FineTuning fineTuning;

    @Config(description = "The size of the cross-batch memory of recent embeddings the loss compares each batch "
            + "with (0: no memory).")
    private int memorySize = 0;

    @Config(description = "The reference set predictions search: TRAINING_SET or CLASS_CENTROIDS.")
    private ReferenceSet.Kind referenceKind = ReferenceSet.Kind.TRAINING_SET;

    @Config(description = "The number of nearest references that vote on a prediction.")
    private int neighbours = 10;

    @Config(description = "The distance the model and validation rank by (none: the one the loss was trained "
            + "with, see RankingDistances).")
    private KnnDistance rankingDistance;

    private int invocationCount = 0;
    private transient ListenerGroup listeners = new ListenerGroup();

    private MetricLearningTrainer() {
        // For OLCUT.
    }

    /**
     * Creates a trainer with the defaults for everything but the network and the loss (Adam 1e-3, constant
     * schedule, batches of 256 with 32 per class, 10 epochs, no validation).
     *
     * @param network the architecture
     * @param loss    the loss
     * @throws PropertyException if the parts do not fit together (e.g. the loss's embedding size)
     */
    public MetricLearningTrainer(NetworkSpec network, MetricLoss loss) {
        this.network = network;
        this.loss = loss;
        postConfig();
    }

    /**
     * Creates a trainer with the training numbers most runs change and the defaults for the rest.
     *
     * @param network      the architecture
     * @param loss         the loss
     * @param epochs       the number of epochs
     * @param batchSize    the batch size
     * @param learningRate the learning rate
     * @param seed         the seed of every random choice
     * @throws PropertyException if a value is out of range or the parts do not fit together
     */
    public MetricLearningTrainer(NetworkSpec network, MetricLoss loss, int epochs, int batchSize,
                                 double learningRate, long seed) {
        this.network = network;
        this.loss = loss;
        this.epochs = epochs;
        this.batchSize = batchSize;
        this.learningRate = learningRate;
        this.seed = seed;
        postConfig();
    }

    /**
     * Creates a trainer with its parts and training numbers and the defaults for the rest (see {@link #builder}
     * for every option).
     *
     * @param network      the architecture
     * @param loss         the loss
     * @param miner        the miner, or null for the loss's default tuples
     * @param sampler      the batch sampler
     * @param optimizer    the optimizer
     * @param epochs       the number of epochs
     * @param batchSize    the batch size
     * @param learningRate the learning rate
     * @param seed         the seed of every random choice
     * @throws PropertyException if a value is out of range or the parts do not fit together
     */
    public MetricLearningTrainer(NetworkSpec network, MetricLoss loss, Miner miner, BatchSampler sampler,
                                 Optimizer optimizer, int epochs, int batchSize, double learningRate, long seed) {
        this.network = network;
        this.loss = loss;
        this.miner = miner;
        this.sampler = sampler;
        this.optimizer = optimizer;
        this.epochs = epochs;
        this.batchSize = batchSize;
        this.learningRate = learningRate;
        this.seed = seed;
        postConfig();
    }

    /**
     * A builder that can set every configurable field; the trainer it builds is immutable.
     *
     * @param network the architecture
     * @param loss    the loss
     * @return a builder with the defaults for everything else
     */
    public static Builder builder(NetworkSpec network, MetricLoss loss) {
        MetricLearningTrainer draft = new MetricLearningTrainer();
        draft.network = network;
        draft.loss = loss;
        return new Builder(draft);
    }

    /**
     * A builder starting from this trainer's configuration (not its invocation count or listeners), to build a
     * differently configured trainer; this one is unchanged.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        return new Builder(configurationCopy());
    }

    /** A copy of the configuration with a fresh invocation count and no listeners. */
    private MetricLearningTrainer configurationCopy() {
        try {
            MetricLearningTrainer copy = (MetricLearningTrainer) super.clone();
            copy.invocationCount = 0;
            copy.listeners = new ListenerGroup();
            return copy;
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Validates the configuration; OLCUT and the constructors call it once. It keeps no state, so a trainer's
     * provenance always describes the models it trains.
     *
     * @throws PropertyException naming the field and the fix when a value is out of range or parts do not fit
     */
    @Override
    public void postConfig() {
        require(network != null, "network", "network must be set");
        require(loss != null, "loss", "loss must be set");
        require(sampler != null, "sampler", "sampler must be set (leave it out for the default)");
        require(optimizer != null, "optimizer", "optimizer must be set (leave it out for the default)");
        require(schedule != null, "schedule", "schedule must be set (leave it out for the default)");
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
        require(memorySize == 0 || loss == null || loss.acceptsReferences(), "memorySize", "memorySize > 0 needs a "
                + "loss that compares the batch with a reference set (acceptsReferences(): the tuple losses except "
                + "QuadrupletLoss and triplets with swap), found " + lossName());
        require(miner == null || loss == null || loss.acceptsTuples(), "miner", "the loss " + lossName()
                + " ranks the whole batch and takes no mined tuples: unset the miner, found " + miner);
        require(memorySize == 0 || tupleSupervision == null, "memorySize", "memorySize must be 0 with "
                + "tupleSupervision: the memory mines by class label, found " + memorySize);
        require(tupleSupervision == null || loss instanceof TupleLoss, "tupleSupervision", "tupleSupervision needs "
                + "a loss over tuples (a TupleLoss such as ContrastiveLoss or TripletMarginLoss), found "
                + lossName());
        require(tupleSupervision == null || miner == null, "tupleSupervision", "tupleSupervision gives the tuples "
                + "itself; unset the miner, found " + miner);
        checkSelfSupervision();
        require(fineTuning == null || selfSupervision == null, "fineTuning", "fineTuning applies to supervised "
                + "training; unset it or selfSupervision");
        require(fineTuning == null || fineTuning.featureCache() == FineTuning.FeatureCache.NONE
                || augmentation == null, "fineTuning", "fineTuning's featureCache " + (fineTuning == null ? ""
                : fineTuning.featureCache()) + " computes each example's backbone features once, which an "
                + "augmentation of every batch would change: unset the augmentation or set featureCache NONE");
        if (sampler instanceof MPerClassSampler perClass && tupleSupervision == null) {
            require(batchSize % perClass.m() == 0, "batchSize", "batchSize " + batchSize + " must be a multiple "
                    + "of the sampler's m = " + perClass.m() + " (examples per class in a batch): set batchSize to "
                    + Math.max(perClass.m(), batchSize / perClass.m() * perClass.m()) + " or the sampler's m to a "
                    + "divisor of " + batchSize);
        }
        if (sampler instanceof EpisodeSampler episodic && tupleSupervision == null) {
            require(batchSize == episodic.episodeSize(), "batchSize", "batchSize " + batchSize + " must be the "
                    + "episode size way x (shot + queries) = " + episodic.episodeSize() + " of " + episodic
                    + ": set batchSize to " + episodic.episodeSize());
            require(!(loss instanceof PrototypicalLoss prototypical) || prototypical.shot() == episodic.shot(),
                    "loss", "the loss's shot must be the sampler's shot " + episodic.shot() + " (the support rows "
                    + "of each class of an episode), found " + loss);
        }
        if (loss instanceof ClassParameterLoss classLoss && classLoss.embeddingSize() > 0) {
            require(classLoss.embeddingSize() == network.embeddingSize(), "loss", lossName() + " has "
                    + "embeddingSize " + classLoss.embeddingSize() + " but the network " + network + " outputs "
                    + network.embeddingSize() + ": set the loss's embeddingSize to " + network.embeddingSize()
                    + " or leave it unset (0) to take the network's");
        }
    }

    private void checkSelfSupervision() {
        if (selfSupervision == null) {
            require(!(loss instanceof SelfSupervisedLoss), "selfSupervision", "the loss " + loss + " compares two "
                    + "augmented views: set selfSupervision (the views' augmentation and the projection head)");
            return;
        }
        require(loss instanceof SelfSupervisedLoss, "loss", "selfSupervision needs a SelfSupervisedLoss around the "
                + "loss (e.g. new SelfSupervisedLoss(new NTXentLoss())), found " + lossName());
        require(sampler instanceof ShuffleSampler, "sampler", "self-supervised training ignores labels: set the "
                + "sampler to a ShuffleSampler, found " + sampler);
        require(augmentation == null, "augmentation", "with selfSupervision its views augment each batch: leave "
                + "augmentation unset, found " + augmentation);
        require(tupleSupervision == null, "tupleSupervision", "selfSupervision and tupleSupervision exclude each "
                + "other: unset one");
        require(memorySize == 0, "memorySize", "memorySize must be 0 with selfSupervision, found " + memorySize);
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
     * {@inheritDoc} Listeners are runtime attachments, not configuration:
     * they are not in the provenance and do not change the model (except by {@link TrainingListener#stopRequested
     * requesting a stop}).
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
        return run(examples, runProvenance, invocationCount, null, null);
    }

    /**
     * Trains as one replica of a data-parallel group: every replica calls this with the same configuration, data
     * and invocation count, and trains the same global batches, embedding only its shard of each; the loss sees the
     * whole batch and every replica steps with the same gradients (see {@link ReplicaGroup}), so each ends with the
     * model one process training alone would give, up to float rounding, as long as the network has neither dropout
     * nor batch normalization (each replica draws its shard's masks and normalizes by its shard's statistics, as
     * PyTorch's {@code DistributedDataParallel} does). Only the first replica writes checkpoints; give the listeners
     * to one replica. Self-supervised training does not run on replicas.
     *
     * @param examples the training data, the same on every replica
     * @param replicas the group, with this replica's rank
     * @return the model, the same on every replica
     * @throws IllegalArgumentException when the trainer is self-supervised or a batch is smaller than the group
     */
    public EmbeddingModel trainReplica(Dataset<Label> examples, ReplicaGroup replicas) {
        if (selfSupervision != null) {
            throw new IllegalArgumentException("self-supervised training does not run on replicas: train it in one "
                    + "process");
        }
        return run(examples, Map.of(), INCREMENT_INVOCATION_COUNT, null, replicas);
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
            return run(examples, Map.of(), INCREMENT_INVOCATION_COUNT, Checkpoint.load(checkpoint), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    private EmbeddingModel run(Dataset<Label> examples, Map<String, Provenance> runProvenance, int invocationCount,
                               Checkpoint resume, ReplicaGroup replicas) {
        if (examples.size() < 2) {
            throw new IllegalArgumentException("need at least 2 training examples, found " + examples.size());
        }
        TrainingInputs.check(examples);
        TrainingInputs.checkLabels(examples, mode(), tupleSupervision != null, validationFraction);
        TrainerProvenance trainerProvenance;
        long runSeed;
        synchronized (this) {
            if (invocationCount != INCREMENT_INVOCATION_COUNT) {
                setInvocationCount(invocationCount);
            }
            SplittableRandom localRng = rngOfInvocation(this.invocationCount).split();
            trainerProvenance = getProvenance();
            runSeed = localRng.nextLong();
            this.invocationCount++;
        }
        if (resume != null) {
            runSeed = resume.runSeed();
        }
        ImmutableFeatureMap featureMap = examples.getFeatureIDMap();
        TrainingLimits.checkRun(examples.size(), featureMap.size(), batchSize, validationFraction,
                tupleSupervision != null);
        LabelIndex labelIndex = LabelIndex.of(examples);
        DenseData trainData;
        DenseData validationData = null;
        int[] trainRows = null;
        Map<String, Dataset<Label>> datasets = new LinkedHashMap<>();
        if (validationFraction > 0) {
            StratifiedSplit split = StratifiedSplit.of(examples, validationFraction, runSeed, featureMap);
            trainData = DenseData.of(split.train(), featureMap, labelIndex);
            validationData = DenseData.of(split.validation(), featureMap, labelIndex);
            trainRows = split.train().getExampleIndices();
            datasets.put(RunStart.TRAIN, split.train());
            datasets.put(RunStart.VALIDATION, split.validation());
        } else {
            trainData = DenseData.of(examples, featureMap, labelIndex);
            datasets.put(RunStart.TRAIN, examples);
        }
        if (sampler instanceof EpisodeSampler episodes) {
            try {
                episodes.check(trainData.labels(), id -> "'" + labelIndex.name(id) + "'");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("episodic training on " + TrainingInputs.source(examples)
                        + (validationFraction > 0 ? " (less its validation part)" : "") + ": " + e.getMessage());
            }
        }
        if (validationData != null) {
            ModeValidation.check(this, validationData, TrainingInputs.source(examples));
        }
        BatchSource batches = batchSource(examples, trainData, trainRows);
        long start = System.nanoTime();
        listeners.each(l -> l.onRunStart(new RunStart(loss.getClass().getSimpleName() + "-" + network,
                trainerProvenance, examples.getProvenance(), datasetInfo(examples, labelIndex), datasets)));
        try (NativeOpThreads threads = NativeOpThreads.limit(1)) {
            TrainingRun run = new TrainingRun(this, trainData, validationData, batches, runSeed, listeners,
                    resume, replicas);
            int epochsTrained = run.run();
            KnnDistance ranking = rankingDistance();
            Map<String, Provenance> instance = new LinkedHashMap<>(runProvenance);
            instance.put(RankingDistances.PROVENANCE_KEY, new EnumProvenance<>(RankingDistances.PROVENANCE_KEY,
                    ranking));
            instance.put(TrainingMode.PROVENANCE_KEY, new StringProvenance(TrainingMode.PROVENANCE_KEY,
                    mode().cliName()));
            ModelProvenance provenance = new ModelProvenance(EmbeddingModel.class.getName(), OffsetDateTime.now(),
                    examples.getProvenance(), trainerProvenance, instance);
            ImmutableOutputInfo<Label> outputs = UnlabeledData.outputInfo(examples);
            EmbeddingModel model = new EmbeddingModel("dml4j-embedding-model", provenance, featureMap,
                    outputs, run.network(), network.toString(),
                    References.build(run.network(), trainData, outputs, referenceKind),
                    neighbours, ranking);
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

    boolean validationFullRanking() {
        return validationFullRanking;
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

    SelfSupervision selfSupervision() {
        return selfSupervision;
    }

    FineTuning fineTuning() {
        return fineTuning;
    }

    /**
     * @return how this trainer learns: {@link TrainingMode#SELF_SUPERVISED} with a {@link SelfSupervision},
     *         {@link TrainingMode#EPISODIC} with an {@link EpisodeSampler}, else {@link TrainingMode#SUPERVISED}
     */
    public TrainingMode mode() {
        if (selfSupervision != null) {
            return TrainingMode.SELF_SUPERVISED;
        }
        return sampler instanceof EpisodeSampler ? TrainingMode.EPISODIC : TrainingMode.SUPERVISED;
    }

    /** @return the distance the model and validation rank by: the configured one, else the loss's */
    KnnDistance rankingDistance() {
        return rankingDistance != null ? rankingDistance : RankingDistances.of(loss);
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

    /** The generator after {@code invocations} runs: derived from the seed and the count alone. */
    private SplittableRandom rngOfInvocation(int invocations) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < invocations; i++) {
            rng.split();
        }
        return rng;
    }

    @Override
    public TrainerProvenance getProvenance() {
        return new TrainerProvenanceImpl(this);
    }

    /**
     * Sets any configurable field of a {@link MetricLearningTrainer} from Java (each setter is named after the
     * {@code @Config} field it sets), then {@link #build}s an immutable trainer. Start one with
     * {@link MetricLearningTrainer#builder} or {@link MetricLearningTrainer#toBuilder}.
     */
    public static final class Builder {

        private final MetricLearningTrainer draft;

        private Builder(MetricLearningTrainer draft) {
            this.draft = draft;
        }

        /**
         * @param value the architecture
         * @return this builder
         */
        public Builder network(NetworkSpec value) {
            draft.network = value;
            return this;
        }

        /**
         * @param value the loss, with its distance and reducer
         * @return this builder
         */
        public Builder loss(MetricLoss value) {
            draft.loss = value;
            return this;
        }

        /**
         * @param value the miner, or null for the loss's default tuples
         * @return this builder
         */
        public Builder miner(Miner value) {
            draft.miner = value;
            return this;
        }

        /**
         * @param value the batch sampler
         * @return this builder
         */
        public Builder sampler(BatchSampler value) {
            draft.sampler = value;
            return this;
        }

        /**
         * @param value the optimizer
         * @return this builder
         */
        public Builder optimizer(Optimizer value) {
            draft.optimizer = value;
            return this;
        }

        /**
         * @param value the learning-rate schedule
         * @return this builder
         */
        public Builder schedule(LearningRateSchedule value) {
            draft.schedule = value;
            return this;
        }

        /**
         * @param value the base learning rate
         * @return this builder
         */
        public Builder learningRate(double value) {
            draft.learningRate = value;
            return this;
        }

        /**
         * @param value the learning-rate multiplier of the loss's own parameters
         * @return this builder
         */
        public Builder lossLearningRateMultiplier(double value) {
            draft.lossLearningRateMultiplier = value;
            return this;
        }

        /**
         * @param value the augmentation of each training batch, or null for none
         * @return this builder
         */
        public Builder augmentation(Augmentation value) {
            draft.augmentation = value;
            return this;
        }

        /**
         * @param value the number of epochs
         * @return this builder
         */
        public Builder epochs(int value) {
            draft.epochs = value;
            return this;
        }

        /**
         * @param value the batch size
         * @return this builder
         */
        public Builder batchSize(int value) {
            draft.batchSize = value;
            return this;
        }

        /**
         * @param value the seed of every random choice
         * @return this builder
         */
        public Builder seed(long value) {
            draft.seed = value;
            return this;
        }

        /**
         * @param value the held-out fraction of each class (0: no validation)
         * @return this builder
         */
        public Builder validationFraction(double value) {
            draft.validationFraction = value;
            return this;
        }

        /**
         * @param value validate every this many epochs
         * @return this builder
         */
        public Builder validationInterval(int value) {
            draft.validationInterval = value;
            return this;
        }

        /**
         * @param value the validation metric early stopping and best-model selection use
         * @return this builder
         */
        public Builder earlyStoppingMetric(String value) {
            draft.earlyStoppingMetric = value;
            return this;
        }

        /**
         * @param value whether validation also reports full-ranking {@code map} (default true; false skips its
         *              second ranking pass, for validation sets too large for it)
         * @return this builder
         */
        public Builder validationFullRanking(boolean value) {
            draft.validationFullRanking = value;
            return this;
        }

        /**
         * @param value validations without improvement before stopping (0: never)
         * @return this builder
         */
        public Builder patience(int value) {
            draft.patience = value;
            return this;
        }

        /**
         * @param value where checkpoints are written, or null for none
         * @return this builder
         */
        public Builder checkpointDirectory(String value) {
            draft.checkpointDirectory = value;
            return this;
        }

        /**
         * @param value write a checkpoint every this many epochs
         * @return this builder
         */
        public Builder checkpointInterval(int value) {
            draft.checkpointInterval = value;
            return this;
        }

        /**
         * @param value annotated tuples to train from instead of class-label batches, or null (needs a TupleLoss
         *              and no miner)
         * @return this builder
         */
        public Builder tupleSupervision(TupleSupervision value) {
            draft.tupleSupervision = value;
            return this;
        }

        /**
         * @param value self-supervised training from two views, or null for supervised training (needs a
         *              SelfSupervisedLoss and a ShuffleSampler)
         * @return this builder
         */
        public Builder selfSupervision(SelfSupervision value) {
            draft.selfSupervision = value;
            return this;
        }

        /**
         * @param value how a pretrained backbone is fine-tuned, or null for none (the whole network trains with the
         *              learning rate)
         * @return this builder
         */
        public Builder fineTuning(FineTuning value) {
            draft.fineTuning = value;
            return this;
        }

        /**
         * @param value the size of the cross-batch memory (0: none; else a loss that accepts a reference set and at least batchSize)
         * @return this builder
         */
        public Builder memorySize(int value) {
            draft.memorySize = value;
            return this;
        }

        /**
         * @param value the reference set predictions search
         * @return this builder
         */
        public Builder referenceKind(ReferenceSet.Kind value) {
            draft.referenceKind = value;
            return this;
        }

        /**
         * @param value the number of nearest references that vote on a prediction
         * @return this builder
         */
        public Builder neighbours(int value) {
            draft.neighbours = value;
            return this;
        }

        /**
         * @param value the distance the model and validation rank by, or null for the loss's
         * @return this builder
         */
        public Builder rankingDistance(KnnDistance value) {
            draft.rankingDistance = value;
            return this;
        }

        /**
         * Builds the trainer; the builder can go on to build others.
         *
         * @return a new, validated trainer
         * @throws PropertyException naming the field and the fix when the configuration is invalid
         */
        public MetricLearningTrainer build() {
            MetricLearningTrainer built = draft.configurationCopy();
            built.postConfig();
            return built;
        }
    }

    @Override
    public String toString() {
        return "MetricLearningTrainer(network=" + network + ", loss=" + loss + ", miner=" + miner + ", sampler="
                + sampler + ", optimizer=" + optimizer + ", learningRate=" + learningRate + ", epochs=" + epochs
                + ", batchSize=" + batchSize + ", seed=" + seed + ", tupleSupervision=" + tupleSupervision
                + ", memorySize=" + memorySize + (selfSupervision == null ? "" : ", selfSupervision=" + selfSupervision)
                + (fineTuning == null ? "" : ", fineTuning=" + fineTuning)
                + ", rankingDistance=" + rankingDistance() + ")";
    }
}
