package org.dml4j.experiments.training;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.config.io.ConfigLoaderException;
import com.oracle.labs.mlrg.olcut.config.property.SimpleProperty;
import org.dml4j.data.LabelIndex;
import org.dml4j.crossmodal.TwoTowerTrainer;
import org.dml4j.experiments.io.ConfigFiles;
import org.dml4j.experiments.io.UserError;
import org.dml4j.experiments.report.FewShot;
import org.dml4j.nn.NetworkSpec;
import org.dml4j.sampling.MPerClassSampler;
import org.dml4j.train.FineTuning;
import org.dml4j.train.MetricLearningTrainer;
import org.dml4j.train.ObservableTrainer;
import org.dml4j.train.TrainingMode;
import org.dml4j.train.TupleSupervision;
import org.tribuo.Dataset;
import org.tribuo.classification.Label;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The trainer a command builds: from flags (loss, miner, network, optimizer and the training numbers) or from an
 * OLCUT configuration file. Shared by {@code train} and the trials of {@code sweep}.
 */
public final class TrainerOptions {

    /** {@code --config}: the OLCUT configuration file with the trainer, or null. */
    @Option(names = "--config", paramLabel = "FILE", description = "An OLCUT configuration file with the trainer "
            + "(then --loss, --miner, --network, --optimizer and the training numbers come from it).")
    public Path config;

    @Option(names = "--config-name", defaultValue = "trainer", paramLabel = "NAME",
            description = "The trainer's component name in --config. Default: ${DEFAULT-VALUE}.")
    String configName;

    @Option(names = "--config-override", paramLabel = "COMPONENT.PROPERTY=VALUE", description = "Override a "
            + "property of a component in --config (OLCUT's property override; repeatable), e.g. trainer.epochs=3 "
            + "or loss.margin=0.1.")
    Map<String, String> configOverrides = new LinkedHashMap<>();

    /** {@code --mode}: how the trainer learns. */
    @Option(names = "--mode", defaultValue = "supervised", paramLabel = "MODE", converter = ModeConverter.class,
            description = "supervised (from class labels, or --tuples: batches of --m-per-class examples per class, "
                    + "the --loss and --miner), self-supervised (SimCLR: two --views of each training example, --loss "
                    + "ntxent or supcon between them, a --projection-head dropped afterwards; the training labels are "
                    + "NOT used, the evaluation split's labels measure retrieval and a linear probe) or episodic "
                    + "(prototypical networks: each batch one --way N --shot K episode with --queries per class, the "
                    + "prototypical loss; --loss, --miner and --batch-size do not apply). Default: ${DEFAULT-VALUE}.")
    public TrainingMode mode;

    @Mixin
    EpisodicOptions episodic;

    @Option(names = "--loss", description = "The loss, or a weighted sum of losses as NAME+W*NAME (PML's "
            + "MultipleLosses), e.g. triplet+0.5*threshold-consistent-margin; with --mode self-supervised the loss "
            + "between the two views (PML's SelfSupervisedLoss around it). Default: triplet (self-supervised: ntxent).")
    String loss;

    @Mixin
    SelfSupervisedOptions selfSupervised;

    @Mixin
    CrossModalOptions crossModal;

    @Option(names = "--margin", description = "The margin of triplet/quadruplet losses and triplet miners, and "
            + "the negative margin of the contrastive loss (default: PML's); the ranked-list loss's margin (default "
            + "0.4, its paper's: PML has none).")
    Double margin;

    @Option(names = "--miner", defaultValue = "none", description = "The miner. Default: ${DEFAULT-VALUE}.")
    String miner;

    @Option(names = "--embedding-regularizer", paramLabel = "NAME[:WEIGHT]", description = "Add a regularizer of "
            + "the embeddings to the loss (PML's embedding_regularizer): lp or zero-mean, weight 1 unless given.")
    String embeddingRegularizer;

    @Option(names = "--weight-regularizer", paramLabel = "NAME[:WEIGHT]", description = "Add a regularizer of the "
            + "class vectors of proxy and softmax losses (PML's weight_regularizer): center-invariant, regular-face "
            + "or lp, weight 1 unless given.")
    String weightRegularizer;

    @Option(names = "--network", description = "The network spec. Default: " + BackboneOptions.DEFAULT_NETWORK
            + " (with --backbone: the backbone and its head).")
    String network;

    @Mixin
    BackboneOptions backbone;

    @Option(names = "--optimizer", defaultValue = "adam", description = "adam, adamw, sgd or rmsprop. "
            + "Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--lr", defaultValue = "0.001", description = "Learning rate. Default: ${DEFAULT-VALUE}.")
    double learningRate;

    /** {@code --epochs}. */
    @Option(names = "--epochs", defaultValue = "10", description = "Default: ${DEFAULT-VALUE}.")
    public int epochs;

    /** {@code --batch-size}. */
    @Option(names = "--batch-size", defaultValue = "256", description = "Default: ${DEFAULT-VALUE}.")
    public int batchSize;

    @Option(names = "--m-per-class", defaultValue = "32",
            description = "Examples per class in a batch. Default: ${DEFAULT-VALUE}.")
    int mPerClass;

    /** {@code --seed}: the trainer's and the data split's seed. */
    @Option(names = "--seed", defaultValue = "0", description = "Default: ${DEFAULT-VALUE}.")
    public long seed;

    /** {@code --validation-fraction}: the held-out fraction of each training class. */
    @Option(names = "--validation-fraction", defaultValue = "0",
            description = "Hold out this fraction of each training class for validation (with --config, a value "
                    + "above 0 overrides the trainer's validationFraction). Default: ${DEFAULT-VALUE}.")
    public double validationFraction;

    /** {@code --[no-]full-ranking}: whether validation and the test evaluation report full-ranking map. */
    @Option(names = "--full-ranking", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Report full-ranking map (average precision over every relevant example's exact rank) in "
                    + "validation and the test evaluation, as well as Recall@K, MAP@R and NDCG. It costs a second "
                    + "ranking pass for most queries: --no-full-ranking leaves it out for evaluation sets too large "
                    + "for it (the run records the choice). Default: on.")
    public boolean fullRanking;

    @Option(names = "--patience", defaultValue = "0",
            description = "Stop after this many validations without improvement (0: never).")
    int patience;

    /** {@code --checkpoint-dir}, or null. */
    @Option(names = "--checkpoint-dir", paramLabel = "DIR", description = "Write a checkpoint after every epoch.")
    public Path checkpointDir;

    @Option(names = "--memory-size", defaultValue = "0", paramLabel = "N", description = "Cross-batch memory: mine "
            + "against the embeddings of the last N examples too (XBM; 0: off). Default: ${DEFAULT-VALUE}.")
    int memorySize;

    /** {@code --tuples}: the annotated tuples file, or null. */
    @Option(names = "--tuples", paramLabel = "FILE", description = "Train from annotated tuples instead of class "
            + "labels (Siamese/triplet/quadruplet networks): a CSV of example row indices, see --tuple-kind.")
    public Path tuples;

    @Option(names = "--tuple-kind", defaultValue = "TRIPLETS", paramLabel = "KIND", description = "PAIRS (id_a,id_b,"
            + "similar), TRIPLETS (anchor,positive,negative) or QUADRUPLETS. Default: ${DEFAULT-VALUE}.")
    TupleSupervision.Kind tupleKind;

    /**
     * Builds the trainer for this training data (proxy and softmax losses need its number of classes).
     *
     * @param train the training data
     * @return a new trainer
     */
    public MetricLearningTrainer build(Dataset<Label> train) {
        if (mode == TrainingMode.CROSS_MODAL) {
            throw new UserError("--mode cross-modal trains two towers: build them with buildForMode.");
        }
        if (config == null && !configOverrides.isEmpty()) {
            throw new UserError("--config-override " + configOverrides.keySet().iterator().next() + " needs "
                    + "--config FILE: it overrides a property of a component in that file.");
        }
        if (config != null && backbone.any()) {
            throw new UserError("--backbone and its fine-tuning flags do not apply with --config: set the trainer's "
                    + "network (OnnxNetworkSpec), fineTuning and lossLearningRateMultiplier in " + config + ".");
        }
        return config != null ? fromConfig() : fromOptions(train);
    }

    private MetricLearningTrainer fromOptions(Dataset<Label> train) {
        NetworkSpec spec = backbone.networkSpec(network);
        FineTuning fineTuning = backbone.fineTuning(spec);
        if (mode == TrainingMode.SELF_SUPERVISED) {
            if (fineTuning != null) {
                throw new UserError("--backbone-lr-multiplier, --unfreeze-after-epochs, --backbone-warmup-epochs and "
                        + "--feature-cache apply to supervised and episodic training, not --mode self-supervised.");
            }
            return selfSupervised.configure(MetricLearningTrainer.builder(spec, selfSupervised.loss(
                            loss == null ? "ntxent" : loss, margin, spec.embeddingSize())), spec, train, this)
                    .optimizer(Components.optimizer(optimizer)).epochs(epochs).batchSize(batchSize)
                    .learningRate(learningRate).seed(seed).validationFraction(validationFraction)
                    .validationFullRanking(fullRanking).patience(patience)
                    .checkpointDirectory(checkpointDir == null ? null : checkpointDir.toString()).build();
        }
        int classes = LabelIndex.of(train).size();
        if (!isEpisodic() && batchSize % mPerClass != 0) {
            throw new UserError("--batch-size " + batchSize + " must be a multiple of --m-per-class " + mPerClass);
        }
        MetricLearningTrainer.Builder builder = MetricLearningTrainer.builder(spec, Components.regularized(
                        isEpisodic() ? episodic.loss() : Components.loss(loss == null ? "triplet" : loss, margin,
                                classes, spec.embeddingSize()),
                        embeddingRegularizer, weightRegularizer))
                .miner(Components.miner(miner, margin, seed)).sampler(new MPerClassSampler(mPerClass))
                .optimizer(Components.optimizer(optimizer))
                .epochs(epochs).batchSize(batchSize).learningRate(learningRate).seed(seed)
                .validationFraction(validationFraction).validationFullRanking(fullRanking).patience(patience)
                .checkpointDirectory(checkpointDir == null ? null : checkpointDir.toString())
                .tupleSupervision(tuples == null ? null : new TupleSupervision(tuples, tupleKind))
                .memorySize(memorySize).fineTuning(fineTuning).lossLearningRateMultiplier(backbone.lossMultiplier());
        return (isEpisodic() ? episodic.apply(builder, miner) : builder).build();
    }

    /**
     * Builds the trainer of {@code --mode}: the two-tower trainer of {@code --mode cross-modal}
     * ({@link #buildCrossModal()}), else {@link #build(Dataset)}.
     *
     * @param train the training data
     * @return a new trainer
     */
    public ObservableTrainer buildForMode(Dataset<Label> train) {
        return mode == TrainingMode.CROSS_MODAL ? buildCrossModal() : build(train);
    }

    /** @return the options of {@code --mode cross-modal} (its data, towers and temperature) */
    public CrossModalOptions crossModal() {
        return crossModal;
    }

    /**
     * Builds the two-tower trainer of {@code --mode cross-modal} from its options and the shared training numbers.
     *
     * @return a new trainer
     * @throws UserError when a value is out of range or the towers do not fit together
     */
    public TwoTowerTrainer buildCrossModal() {
        if (config != null) {
            throw new UserError("--config does not apply to --mode cross-modal: set the towers with --tower-a and "
                    + "--tower-b.");
        }
        return crossModal.build(this);
    }

    /** @return whether {@code --mode} is {@value EpisodicOptions#MODE} */
    public boolean isEpisodic() {
        return mode == TrainingMode.EPISODIC;
    }

    /** @return the batch size training uses: {@code --batch-size}, or with {@code --mode episodic} the episode's */
    public int trainingBatchSize() {
        return isEpisodic() ? episodic.episodeSize() : batchSize;
    }

    /**
     * @return the few-shot evaluation of {@code --mode episodic}'s setting (1,000 episodes seeded by {@code --seed}),
     *         or null in supervised mode
     */
    public FewShot episodicEvaluation() {
        return isEpisodic() ? episodic.evaluation(seed) : null;
    }

    private MetricLearningTrainer fromConfig() {
        ConfigFiles.check(config, false);
        ConfigurationManager cm;
        try {
            cm = new ConfigurationManager(config.toString());
        } catch (ConfigLoaderException | PropertyException e) {
            throw new UserError("Cannot load the configuration file " + config + ": " + e.getMessage()
                    + ". Fix the file (see experiments/configs/ for examples).", e);
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        if (validationFraction > 0) {
            overrides.put(configName + ".validationFraction", String.valueOf(validationFraction));
        }
        if (!fullRanking) {
            overrides.put(configName + ".validationFullRanking", "false");
        }
        overrides.putAll(configOverrides);
        overrides.forEach((key, value) -> override(cm, key, value));
        Object trainer;
        try {
            trainer = cm.lookup(configName);
        } catch (PropertyException e) {
            throw new UserError("Cannot build '" + configName + "' from " + config + ": " + e.getMessage()
                    + ". Fix the file or the --config-override values.", e);
        }
        if (!(trainer instanceof MetricLearningTrainer metricTrainer)) {
            throw new UserError(config + " has no MetricLearningTrainer named '" + configName + "' (found "
                    + (trainer == null ? "nothing" : trainer.getClass().getName()) + "); set --config-name.");
        }
        if (metricTrainer.mode() != mode) {
            throw new UserError("--mode " + mode + " but the trainer '" + configName + "' in " + config + " trains "
                    + metricTrainer.mode() + ": pass --mode " + metricTrainer.mode() + " or change the file.");
        }
        return metricTrainer;
    }

    /** Reads {@code --mode} by the modes' command-line names. */
    static final class ModeConverter implements ITypeConverter<TrainingMode> {
        @Override
        public TrainingMode convert(String value) {
            return TrainingMode.of(value);
        }
    }

    /** Sets a simple property of a component before it is built, as OLCUT's {@code --@name.property} does. */
    private void override(ConfigurationManager cm, String key, String value) {
        int dot = key.lastIndexOf('.');
        if (dot <= 0 || dot == key.length() - 1) {
            throw new UserError("--config-override " + key + "=" + value + " names no property: write "
                    + "COMPONENT.PROPERTY=VALUE, e.g. trainer.epochs=3.");
        }
        try {
            cm.overrideConfigurableProperty(key.substring(0, dot), key.substring(dot + 1), new SimpleProperty(value));
        } catch (PropertyException e) {
            throw new UserError("Cannot override " + key + " in " + config + ": " + e.getMessage() + ". Name a "
                    + "component of the file " + new TreeSet<>(cm.getComponentNames()) + " and one of its simple "
                    + "(non-list) properties.", e);
        }
    }
}
