package org.dml4j.sampling;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * Episodic batches for prototypical-network training (Snell et al. 2017): each batch is one N-way episode of
 * {@code way} classes with {@code shot + queries} examples each ({@link Episodes}), class by class, the first
 * {@code shot} examples of each class its support set — the layout {@link org.dml4j.loss.PrototypicalLoss} reads.
 * The batch size must be {@code way × (shot + queries)}. An epoch has {@code episodesPerEpoch} episodes, or, when
 * that is 0, as many as make up one pass over the data's size ({@code ceil(examples / batch size)}); episodes are
 * drawn independently, so an epoch need not show every example.
 */
public final class EpisodeSampler implements BatchSampler {

    @Config(description = "The classes of an episode (N-way).")
    private int way = 5;

    @Config(description = "The support examples of each class (K-shot).")
    private int shot = 1;

    @Config(description = "The query examples of each class.")
    private int queries = 15;

    @Config(description = "The episodes of an epoch (0: ceil(examples / (way x (shot + queries))), one pass's worth).")
    private int episodesPerEpoch = 0;

    /** For OLCUT. */
    private EpisodeSampler() {
    }

    /**
     * Creates the sampler.
     *
     * @param way              the classes of an episode
     * @param shot             the support examples of each class
     * @param queries          the query examples of each class
     * @param episodesPerEpoch the episodes of an epoch, or 0 for one pass's worth
     * @throws PropertyException if a value is out of range
     */
    public EpisodeSampler(int way, int shot, int queries, int episodesPerEpoch) {
        this.way = way;
        this.shot = shot;
        this.queries = queries;
        this.episodesPerEpoch = episodesPerEpoch;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (way < 2) {
            throw new PropertyException("", "way", "way must be >= 2 (an episode compares classes), found " + way);
        }
        if (shot < 1) {
            throw new PropertyException("", "shot", "shot must be >= 1, found " + shot);
        }
        if (queries < 1) {
            throw new PropertyException("", "queries", "queries must be >= 1, found " + queries);
        }
        if (episodesPerEpoch < 0) {
            throw new PropertyException("", "episodesPerEpoch", "episodesPerEpoch must be >= 0 (0: one pass's "
                    + "worth), found " + episodesPerEpoch);
        }
    }

    /** @return the classes of an episode */
    public int way() {
        return way;
    }

    /** @return the support examples of each class */
    public int shot() {
        return shot;
    }

    /** @return the query examples of each class */
    public int queries() {
        return queries;
    }

    /** @return the batch size this sampler needs: {@code way × (shot + queries)} */
    public int episodeSize() {
        return way * (shot + queries);
    }

    /**
     * Checks that training data can make this sampler's episodes, before any training: enough classes, and
     * {@code shot + queries} examples in each.
     *
     * @param labels    the class id of every training example
     * @param className how the message names a class id (e.g. its quoted label)
     * @throws IllegalArgumentException naming the first class that is too small and its size, or the number of
     *                                  classes, and the fix
     */
    public void check(int[] labels, IntFunction<String> className) {
        Episodes.of(labels, way, shot + queries, className);
    }

    @Override
    public List<int[]> epoch(int[] labels, int batchSize, SplittableRandom rng) {
        if (batchSize != episodeSize()) {
            throw new IllegalArgumentException("batchSize must be way x (shot + queries) = " + way + " x (" + shot
                    + " + " + queries + ") = " + episodeSize() + " for episodic batches, found " + batchSize);
        }
        Episodes episodes = Episodes.of(labels, way, shot + queries, c -> "id " + c);
        int count = episodesPerEpoch > 0 ? episodesPerEpoch : (labels.length + batchSize - 1) / batchSize;
        List<int[]> batches = new ArrayList<>(count);
        for (int e = 0; e < count; e++) {
            batches.add(episodes.draw(rng));
        }
        return batches;
    }

    @Override
    public String toString() {
        return "EpisodeSampler(way=" + way + ", shot=" + shot + ", queries=" + queries + ", episodesPerEpoch="
                + episodesPerEpoch + ")";
    }
}
