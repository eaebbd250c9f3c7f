package org.dml4j.experiments.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.dml4j.eval.ReferenceRanking;
import org.dml4j.index.KnnDistance;
import org.dml4j.index.RelevantPairs;
import org.dml4j.index.RelevantRanks;
import org.dml4j.index.ShardTopLists;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@link ReferenceRanking} over a gallery sharded on a Spark cluster: the queries are broadcast, every shard
 * searches them on its executor ({@link org.dml4j.index.ReferenceShard}), and the shards' results are merged by a
 * tree reduction on the executors, so the driver receives one top list per query, never one per shard. The full
 * ranking of the queries that need it takes two such jobs (the relevant pairs, then the candidates ranked before
 * each). With block-aligned shards the ranks are exactly those of {@link org.dml4j.index.ExactKnn} over the whole
 * gallery in one JVM.
 */
final class ShardedRanking implements ReferenceRanking {

    private final JavaSparkContext spark;
    private final JavaRDD<GalleryShard> shards;
    private final Broadcast<Queries> queries;
    private final int[] numRelevant;
    private final int numCandidates;
    private final boolean exclude;
    private final KnnDistance distance;
    private final int blockSize;

    /** The queries as the executors get them: float32 rows, row-major, and their label ids. */
    private record Queries(float[] rows, int dim, int[] labels) implements Serializable {
        INDArray matrix() {
            return Nd4j.create(rows, new long[]{labels.length, dim}, 'c');
        }
    }

    /**
     * @param spark           the application
     * @param shards          the gallery, block-aligned shards (persisted: every pass reads them)
     * @param referenceLabels every gallery row's label id, in gallery order
     * @param queries         the query rows (Q × d, float32)
     * @param queryLabels     their label ids
     * @param exclude         whether query i skips gallery row i (the queries are the gallery's first rows)
     * @param distance        the ranking distance
     * @param blockSize       queries and references per tile
     */
    ShardedRanking(JavaSparkContext spark, JavaRDD<GalleryShard> shards, int[] referenceLabels, INDArray queries,
                   int[] queryLabels, boolean exclude, KnnDistance distance, int blockSize) {
        this.spark = spark;
        this.shards = shards;
        this.queries = spark.broadcast(new Queries(queries.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT)
                .dup('c').data().asFloat(), queries.columns(), queryLabels));
        Map<Integer, Integer> counts = new HashMap<>();
        for (int label : referenceLabels) {
            counts.merge(label, 1, Integer::sum);
        }
        this.numRelevant = new int[queryLabels.length];
        for (int q = 0; q < numRelevant.length; q++) {
            boolean selfRelevant = exclude && referenceLabels[q] == queryLabels[q];
            numRelevant[q] = counts.getOrDefault(queryLabels[q], 0) - (selfRelevant ? 1 : 0);
        }
        this.numCandidates = exclude ? referenceLabels.length - 1 : referenceLabels.length;
        this.exclude = exclude;
        this.distance = distance;
        this.blockSize = blockSize;
    }

    @Override
    public RelevantRanks topRanks(int minDepth, Runnable afterBlock) {
        int[] depth = new int[numRelevant.length];
        for (int q = 0; q < depth.length; q++) {
            depth[q] = numRelevant[q] == 0 ? 0 : Math.min(numCandidates, Math.max(numRelevant[q], minDepth));
        }
        Broadcast<Queries> shared = queries;
        KnnDistance d = distance;
        int block = blockSize;
        boolean skipSelf = exclude;
        ShardTopLists merged = SparkJobs.run("rank the queries' top lists", () -> shards
                .map(shard -> shard.search(d, block).topLists(shared.value().matrix(), shared.value().labels(),
                        depth, skipSelf))
                .treeReduce(ShardTopLists::merge));
        done(afterBlock, blocks(depth.length));
        return merged.relevantRanks(numRelevant, numCandidates);
    }

    @Override
    public RelevantRanks fullRanks(int[] queryRows, Runnable afterWalk) {
        Broadcast<Queries> shared = queries;
        KnnDistance d = distance;
        int block = blockSize;
        boolean skipSelf = exclude;
        RelevantPairs pairs = SparkJobs.run("collect the relevant distances", () -> shards
                .map(shard -> shard.search(d, block).relevantPairs(shared.value().matrix(), shared.value().labels(),
                        queryRows, skipSelf))
                .treeReduce(RelevantPairs::merge));
        done(afterWalk, blocks(queryRows.length));
        Broadcast<RelevantPairs> sorted = spark.broadcast(pairs.sorted());
        int[][] before = SparkJobs.run("count the candidates before them", () -> shards
                .map(shard -> shard.search(d, block).candidatesBefore(shared.value().matrix(), queryRows,
                        sorted.value(), skipSelf))
                .treeReduce(RelevantPairs::sum));
        sorted.destroy();
        done(afterWalk, blocks(queryRows.length));
        return RelevantPairs.ranks(before, numCandidates);
    }

    private int blocks(int rows) {
        return (rows + blockSize - 1) / blockSize;
    }

    private static void done(Runnable callback, int times) {
        if (callback != null) {
            for (int i = 0; i < times; i++) {
                callback.run();
            }
        }
    }
}
