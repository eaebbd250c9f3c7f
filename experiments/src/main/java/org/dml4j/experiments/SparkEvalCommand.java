package org.dml4j.experiments;

import org.dml4j.experiments.io.JsonFiles;
import org.dml4j.experiments.io.UserError;
import org.dml4j.experiments.progress.EvalProgress;
import org.dml4j.experiments.report.Evaluation;
import org.dml4j.experiments.report.PerQueryResults;
import org.dml4j.experiments.spark.ShardedEvaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code dml4j spark-eval}: embeds a large gallery on a Spark cluster and evaluates exact retrieval with the gallery
 * sharded over the executors ({@link ShardedEvaluation}); prints the same metrics as {@code eval}.
 */
@Command(name = "spark-eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Embed a gallery on a Spark cluster and evaluate exact retrieval with the gallery sharded over "
                + "the executors: every metric is the one a single JVM computes on the same data.",
                "The executors read the gallery (csv:PATH on a path they can all read: a shared file system, "
                        + "hdfs://...) and the model file's bytes are broadcast to them; synthetic:ROWS,DIM,CLASSES,"
                        + "SEED makes the executors generate a clustered gallery of raw embeddings instead."})
public final class SparkEvalCommand implements Callable<Integer> {

    @Option(names = "--spark", paramLabel = "MASTER",
            description = "The Spark cluster (spark://HOST:PORT, yarn, k8s://...).")
    private String sparkMaster;

    @Option(names = "--single-jvm", description = "Instead of --spark, generate a synthetic gallery whole in this JVM "
            + "and evaluate it here (the benchmark's baseline).")
    private boolean singleJvm;

    @Mixin
    private SparkClusterOptions sparkCluster;

    @Option(names = "--gallery", required = true, paramLabel = "SOURCE",
            description = "csv:PATH (a header, --label-column and numeric features, as train reads) or "
                    + "synthetic:ROWS,DIM,CLASSES,SEED.")
    private String gallery;

    @Option(names = "--label-column", defaultValue = "label", paramLabel = "NAME",
            description = "The CSV's label column. Default: ${DEFAULT-VALUE}.")
    private String labelColumn;

    @Option(names = "--model", paramLabel = "FILE", description = "The model file (train --model-out) that embeds "
            + "a CSV gallery; read here and broadcast to the executors.")
    private Path model;

    @Option(names = "--queries", paramLabel = "SOURCE", description = "first:COUNT (the gallery's first rows, each "
            + "leaving itself out), csv:PATH or synthetic:COUNT (separate queries); default: every gallery row "
            + "queries all the others (leave-one-out, as eval; its embeddings come to this JVM).")
    private String queries;

    @Option(names = "--k", split = ",", defaultValue = "1,2,4,8,16", paramLabel = "K",
            description = "The K list of precision, recall and NDCG. Default: ${DEFAULT-VALUE}.")
    private int[] ks;

    @Option(names = "--block-size", defaultValue = "1024", paramLabel = "ROWS",
            description = "Queries and gallery rows per tile (the single-JVM evaluator's). Default: ${DEFAULT-VALUE}.")
    private int blockSize;

    @Option(names = "--shard-rows", defaultValue = "65536", paramLabel = "ROWS", description = "Gallery rows per "
            + "shard (one task each), a multiple of --block-size and of 1024. Default: ${DEFAULT-VALUE}.")
    private int shardRows;

    @Option(names = "--full-ranking", description = "Also report map over the full ranking (a second pass).")
    private boolean fullRanking;

    @Option(names = "--no-clustering", description = "Skip the k-means NMI/AMI of the queries (in this JVM).")
    private boolean noClustering;

    @Option(names = "--embeddings-out", paramLabel = "FOLDER", description = "Also write the gallery's embeddings "
            + "there from the executors (Spark text part files of lines INDEX,LABEL,VALUES...).")
    private String embeddingsOut;

    @Option(names = "--metrics-out", paramLabel = "FILE", description = "Write the metrics as JSON.")
    private Path metricsOut;

    @Option(names = "--per-query-out", paramLabel = "FILE", description = "Write every query's values as JSON.")
    private Path perQueryOut;

    @Option(names = "--json", description = "Print the metrics as one JSON object on standard output; no progress.")
    private boolean json;

    @Option(names = "--quiet", description = "Print only the metrics: no progress or timing lines.")
    private boolean quiet;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        OutputPaths.file(metricsOut, "--metrics-out");
        OutputPaths.file(perQueryOut, "--per-query-out");
        if ((sparkMaster == null) == !singleJvm) {
            throw new UserError("Give either --spark MASTER (evaluate on a cluster) or --single-jvm (a synthetic "
                    + "gallery's baseline in this JVM).");
        }
        if (sparkMaster != null) {
            SparkJars.require();
        }
        PrintWriter err = spec.commandLine().getErr();
        EvalProgress progress = quiet || json ? null : new EvalProgress(err, System.console() != null,
                System::nanoTime);
        ShardedEvaluation.Options options = new ShardedEvaluation.Options(gallery, labelColumn, model, queries, ks,
                blockSize, shardRows, fullRanking, !noClustering, embeddingsOut);
        ShardedEvaluation.Result result = singleJvm ? ShardedEvaluation.singleJvm(options, progress)
                : ShardedEvaluation.run(sparkMaster, sparkCluster.home(), sparkCluster.waitTime(), options, progress);
        if (progress != null) {
            progress.finish();
        }
        if (!quiet && !json) {
            err.printf("gallery of %d rows in %d shards: prepared in %.1f s, ranked in %.1f s%n",
                    result.galleryRows(), result.shards(), result.prepareSeconds(), result.rankSeconds());
            err.flush();
        }
        Evaluation.print(spec.commandLine().getOut(), result.evaluation().summary(), json);
        if (metricsOut != null) {
            JsonFiles.write(metricsOut, result.evaluation().summary());
        }
        if (perQueryOut != null) {
            JsonFiles.write(perQueryOut, PerQueryResults.of(result.evaluation()));
        }
        return 0;
    }
}
