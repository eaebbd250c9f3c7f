package org.dml4j.experiments.training;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.eval.FewShotEvaluator;
import org.dml4j.experiments.io.UserError;
import org.dml4j.experiments.report.FewShot;
import org.dml4j.loss.PrototypicalLoss;
import org.dml4j.sampling.EpisodeSampler;
import org.dml4j.train.MetricLearningTrainer;
import picocli.CommandLine.Option;

import java.util.List;

/**
 * {@code train --mode episodic}: prototypical-network training (Snell et al. 2017) on N-way K-shot episodes, one
 * episode per batch ({@link EpisodeSampler}) with the prototypical loss ({@link PrototypicalLoss}); the batch size
 * is the episode's, {@code way × (shot + queries)}. {@code train} then also evaluates the model by episodes of the
 * same setting on the evaluation data ({@link #evaluation}).
 */
public final class EpisodicOptions {

    /** The {@code --mode} value of episodic training. */
    public static final String MODE = "episodic";

    @Option(names = "--way", defaultValue = "5", paramLabel = "N",
            description = "--mode episodic: the classes of an episode (N-way). Default: ${DEFAULT-VALUE}.")
    int way;

    @Option(names = "--shot", defaultValue = "1", paramLabel = "K",
            description = "--mode episodic: the support examples of each class (K-shot). Default: ${DEFAULT-VALUE}.")
    int shot;

    @Option(names = "--queries", defaultValue = "15", paramLabel = "Q",
            description = "--mode episodic: the query examples of each class. Default: ${DEFAULT-VALUE}.")
    int queries;

    @Option(names = "--episodes-per-epoch", defaultValue = "0", paramLabel = "E",
            description = "--mode episodic: the episodes of an epoch (0: as many as make up the training set's "
                    + "size). Default: ${DEFAULT-VALUE}.")
    int episodesPerEpoch;

    /**
     * Turns a supervised trainer's builder into an episodic one: the episodic sampler, the prototypical loss (kept
     * inside any regularizer the builder's loss wraps it in, see {@link #loss()}), no miner, the episode's batch size.
     *
     * @param builder   the builder, with the loss from {@link #loss()}
     * @param minerName the {@code --miner} given
     * @return the builder
     * @throws UserError if a miner was given or a value is out of range
     */
    MetricLearningTrainer.Builder apply(MetricLearningTrainer.Builder builder, String minerName) {
        if (!minerName.equals("none")) {
            throw new UserError("--miner " + minerName + " does not apply to --mode " + MODE + ": the prototypical "
                    + "loss compares each query with the class prototypes; leave --miner out.");
        }
        EpisodeSampler sampler;
        try {
            sampler = new EpisodeSampler(way, shot, queries, episodesPerEpoch);
        } catch (PropertyException e) {
            throw new UserError("--mode " + MODE + ": " + e.getMessage() + " (options --way, --shot, --queries, "
                    + "--episodes-per-epoch).", e);
        }
        return builder.miner(null).sampler(sampler).batchSize(sampler.episodeSize());
    }

    /** @return the batch size of an episode, {@code way × (shot + queries)} */
    int episodeSize() {
        return way * (shot + queries);
    }

    /** @return the prototypical loss with this shot (at least 1) */
    PrototypicalLoss loss() {
        if (shot < 1) {
            throw new UserError("--shot must be 1 or more, found " + shot + ".");
        }
        return new PrototypicalLoss(shot);
    }

    /**
     * The few-shot evaluation of this setting on held-out data, with the literature's 1,000 episodes.
     *
     * @param seed the episodes' seed
     * @return the evaluation
     */
    FewShot evaluation(long seed) {
        return FewShot.parse("--way/--shot", List.of(way + "x" + shot), queries, FewShotEvaluator.DEFAULT_EPISODES,
                seed);
    }
}
