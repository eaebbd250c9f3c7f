package org.dml4j.experiments.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.dml4j.data.LabelIndex;
import org.dml4j.eval.EvaluationProgress;
import org.dml4j.eval.RetrievalEvaluation;
import org.dml4j.eval.RetrievalEvaluator;
import org.dml4j.eval.RetrievalMode;
import org.dml4j.experiments.io.UserError;
import org.dml4j.index.KnnDistance;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.tribuo.provenance.ModelProvenance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Exact retrieval evaluation of a gallery sharded over a Spark cluster ({@code dml4j spark-eval}): the executors read
 * (or generate) the gallery, embed it with the broadcast model, and keep it in memory as block-aligned shards; the
 * queries are ranked against every shard on its executor ({@link ShardedRanking}) and
 * {@link RetrievalEvaluator} computes the metrics on the driver from the merged ranks, so every metric is the one
 * the evaluator computes in one JVM on the same data. A lost executor's tasks are retried by Spark, and its
 * shards rebuilt from the file or the seed.
 */
public final class ShardedEvaluation {

    /** The rows {@link org.dml4j.model.EmbeddingModel} embeds at once: shards start at its multiples too. */
    static final int EMBED_BLOCK = 1024;

    /**
     * What to evaluate.
     *
     * @param gallery        {@code csv:PATH} (a path every executor can read) or {@code synthetic:N,D,C,SEED}
     * @param labelColumn    a CSV's label column
     * @param model          the model file ({@code train --model-out}), read here and broadcast; null for a
     *                       synthetic gallery (raw embeddings, ranked by Euclidean distance)
     * @param queries        null: every gallery row queries the others (leave-one-out); {@code first:Q}: the first Q
     *                       rows query the whole gallery, each leaving itself out; {@code csv:PATH} or (synthetic)
     *                       {@code synthetic:Q}: separate queries
     * @param ks             the K list
     * @param blockSize      queries and references per tile
     * @param shardRows      gallery rows per shard, a multiple of the block size and of {@value #EMBED_BLOCK}
     * @param fullRanking    whether to report full-ranking {@code map}
     * @param clustering     whether to report NMI and AMI
     * @param embeddingsOut  a folder to write the gallery's embeddings to, or null
     */
    public record Options(String gallery, String labelColumn, Path model, String queries, int[] ks, int blockSize,
                          int shardRows, boolean fullRanking, boolean clustering, String embeddingsOut) {
    }

    /**
     * The evaluation and what it took.
     *
     * @param evaluation     the metrics
     * @param galleryRows    the gallery's rows
     * @param shards         its shards
     * @param prepareSeconds reading (or generating) and embedding the gallery, and collecting the queries
     * @param rankSeconds    ranking and the metrics
     */
    public record Result(RetrievalEvaluation evaluation, long galleryRows, int shards, double prepareSeconds,
                         double rankSeconds) {
    }

    private ShardedEvaluation() {
    }

    /**
     * An application on a cluster that evaluates galleries, one after the other.
     */
    public static final class Session implements AutoCloseable {
        private final JavaSparkContext spark;

        private Session(JavaSparkContext spark) {
            this.spark = spark;
        }

        /**
         * Connects to a cluster.
         *
         * @param master    the master URL ({@code spark://HOST:PORT}, {@code yarn}, {@code k8s://...})
         * @param sparkHome the Spark distribution the workers run, or null under {@code spark-submit}
         * @param wait      how long to wait for the master and the first executor
         * @return the session, to close
         * @throws UserError when the master does not answer or gives no executor in time
         */
        public static Session open(String master, Path sparkHome, Duration wait) {
            return new Session(SparkMaster.connect(master, sparkHome, "dml4j spark-eval", wait));
        }

        /**
         * Evaluates a gallery on the cluster.
         *
         * @param options  what to evaluate
         * @param progress hears of the ranking's progress, or null
         * @return the evaluation
         * @throws UserError on bad options, or when the cluster cannot read, load or embed what it is given
         */
        public Result evaluate(Options options, EvaluationProgress progress) {
            check(options);
            byte[] modelBytes = options.model() == null ? null : readModel(options.model());
            return ShardedEvaluation.evaluate(spark, options, modelBytes, progress);
        }

        /** Ends the application (its executors end with it). */
        @Override
        public void close() {
            spark.close();
        }
    }

    /**
     * The baseline of a synthetic gallery: generates it whole in this JVM and evaluates it with
     * {@link RetrievalEvaluator} over matrices, as the cluster's shards would be evaluated.
     *
     * @param options  what to evaluate ({@code synthetic:} gallery and queries, or leave-one-out)
     * @param progress hears of the ranking's progress, or null
     * @return the evaluation
     * @throws UserError when the gallery is not synthetic
     */
    public static Result singleJvm(Options options, EvaluationProgress progress) {
        check(options);
        if (options.model() != null) {
            throw new UserError("--single-jvm evaluates a synthetic gallery; for a CSV use dml4j eval.");
        }
        long start = System.nanoTime();
        SyntheticGallery generator = SyntheticGallery.parse(options.gallery().substring("synthetic:".length()));
        int[] labels = new int[generator.rows()];
        INDArray references = generate(generator, options.shardRows(), labels);
        String q = options.queries();
        RetrievalEvaluator evaluator = new RetrievalEvaluator(options.ks(), KnnDistance.SQUARED_EUCLIDEAN,
                options.blockSize(), options.clustering(), RetrievalEvaluator.DEFAULT_SEED)
                .withFullRanking(options.fullRanking()).withProgress(progress);
        double prepared = (System.nanoTime() - start) / 1e9;
        long ranking = System.nanoTime();
        RetrievalEvaluation evaluation;
        if (q == null) {
            evaluation = evaluator.evaluate(references, labels, null, null, RetrievalMode.SELF);
        } else {
            GalleryShard queries = q.startsWith("synthetic:") ? generator.queries(count(q, "synthetic:"))
                    : generator.shard(0, Math.min(count(q, "first:"), generator.rows()));
            evaluation = evaluator.evaluate(Nd4j.create(queries.rows(), new long[]{queries.size(), queries.dim()},
                    'c'), queries.labels(), references, labels, q.startsWith("synthetic:")
                    ? RetrievalMode.SEPARATE : RetrievalMode.QUERY_PREFIX_OF_REFERENCE);
        }
        return new Result(evaluation, labels.length, 1, prepared, (System.nanoTime() - ranking) / 1e9);
    }

    /**
     * Generates a synthetic gallery into one float32 matrix a shard-sized chunk at a time, so that the Java heap
     * never holds more than a chunk of it (a 10M × 128 gallery is 5.1 GB).
     *
     * @param generator the gallery
     * @param chunkRows rows generated at a time, a multiple of {@link SyntheticGallery#BLOCK}
     * @param labels    receives every row's label id
     * @return the gallery's rows
     */
    private static INDArray generate(SyntheticGallery generator, int chunkRows, int[] labels) {
        INDArray references = Nd4j.create(DataType.FLOAT, generator.rows(), generator.dim());
        for (int offset = 0; offset < generator.rows(); offset += chunkRows) {
            GalleryShard chunk = generator.shard(offset, Math.min(chunkRows, generator.rows() - offset));
            references.get(NDArrayIndex.interval(offset, offset + chunk.size()), NDArrayIndex.all())
                    .assign(Nd4j.create(chunk.rows(), new long[]{chunk.size(), chunk.dim()}, 'c'));
            System.arraycopy(chunk.labels(), 0, labels, offset, chunk.size());
        }
        return references;
    }

    /**
     * Connects to the cluster, evaluates and ends the application.
     *
     * @param master    the master URL
     * @param sparkHome the Spark distribution the workers run, or null under {@code spark-submit}
     * @param wait      how long to wait for the master and the first executor
     * @param options   what to evaluate
     * @param progress  hears of the ranking's progress, or null
     * @return the evaluation
     * @throws UserError on bad options, or when the cluster cannot read, load or embed what it is given
     */
    public static Result run(String master, Path sparkHome, Duration wait, Options options,
                             EvaluationProgress progress) {
        check(options);
        try (Session session = Session.open(master, sparkHome, wait)) {
            return session.evaluate(options, progress);
        }
    }

    private static void check(Options o) {
        if (o.blockSize() < 1 || o.shardRows() < 1 || o.shardRows() % o.blockSize() != 0
                || o.shardRows() % EMBED_BLOCK != 0) {
            throw new UserError("--shard-rows " + o.shardRows() + " must be a positive multiple of --block-size ("
                    + o.blockSize() + ") and of " + EMBED_BLOCK + ", so that every shard's tiles and embedding "
                    + "blocks are those of one JVM (e.g. --shard-rows 65536).");
        }
        boolean synthetic = o.gallery().startsWith("synthetic:");
        if (!synthetic && !o.gallery().startsWith("csv:")) {
            throw new UserError("Unknown --gallery '" + o.gallery() + "'. Use csv:PATH (a path every executor can "
                    + "read) or synthetic:ROWS,DIM,CLASSES,SEED.");
        }
        if (synthetic == (o.model() != null)) {
            throw new UserError(synthetic ? "A synthetic gallery is raw embeddings: leave out --model."
                    : "A CSV gallery needs --model FILE (written by dml4j train --model-out) to embed it.");
        }
        String q = o.queries();
        if (q != null && !q.startsWith("first:") && !(synthetic ? q.startsWith("synthetic:") : q.startsWith("csv:"))) {
            throw new UserError("Unknown --queries '" + q + "'. Use first:COUNT (the gallery's first rows, each "
                    + "leaving itself out), " + (synthetic ? "synthetic:COUNT" : "csv:PATH") + " (separate queries), "
                    + "or leave it out (every row queries the others).");
        }
    }

    private static byte[] readModel(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UserError("Cannot read the model file " + file + ": " + e.getMessage() + ". Give a file "
                    + "written by dml4j train --model-out FILE.", e);
        }
    }

    private static Result evaluate(JavaSparkContext spark, Options o, byte[] modelBytes,
                                   EvaluationProgress progress) {
        long start = System.nanoTime();
        Gallery gallery = o.model() == null ? synthetic(spark, o) : csv(spark, o, modelBytes);
        JavaRDD<GalleryShard> shards = gallery.shards.persist(StorageLevel.MEMORY_ONLY());
        try {
            List<GalleryShard> labelled = SparkJobs.run("build the gallery's shards", () -> shards
                    .map(s -> new GalleryShard(s.offset(), 0, new float[0], s.labels())).collect());
            GalleryShard all = GalleryShard.concat(sorted(labelled));
            if (o.embeddingsOut() != null) {
                writeEmbeddings(shards, o.embeddingsOut(), gallery.index);
            }
            GalleryShard queries = gallery.queries != null ? gallery.queries : o.queries() == null
                    ? collect(shards, Integer.MAX_VALUE) : collect(shards, count(o.queries(), "first:"));
            RetrievalMode mode = gallery.queries != null ? RetrievalMode.SEPARATE
                    : o.queries() == null ? RetrievalMode.SELF : RetrievalMode.QUERY_PREFIX_OF_REFERENCE;
            if (mode == RetrievalMode.QUERY_PREFIX_OF_REFERENCE && queries.size() < count(o.queries(), "first:")) {
                throw new UserError("--queries " + o.queries() + " asks for more rows than the gallery's "
                        + all.size() + ".");
            }
            double prepared = (System.nanoTime() - start) / 1e9;
            long ranking = System.nanoTime();
            var matrix = Nd4j.create(queries.rows(), new long[]{queries.size(), queries.dim()}, 'c');
            ShardedRanking ranks = new ShardedRanking(spark, shards, all.labels(), matrix, queries.labels(),
                    mode.excludesSameIndex(), gallery.distance, o.blockSize());
            RetrievalEvaluation evaluation = new RetrievalEvaluator(o.ks(), null, o.blockSize(), o.clustering(),
                    RetrievalEvaluator.DEFAULT_SEED).withFullRanking(o.fullRanking()).withProgress(progress)
                    .evaluate(matrix, queries.labels(), all.labels(), mode, ranks, gallery.index::name,
                            gallery.provenance, null);
            return new Result(evaluation, all.size(), labelled.size(), prepared, (System.nanoTime() - ranking) / 1e9);
        } finally {
            shards.unpersist(false);
        }
    }

    /** A gallery's shards (not yet built), its label names, and its separate queries when given. */
    private record Gallery(JavaRDD<GalleryShard> shards, LabelIndex index, GalleryShard queries,
                           KnnDistance distance, ModelProvenance provenance) {
    }

    private static Gallery synthetic(JavaSparkContext spark, Options o) {
        SyntheticGallery generator = SyntheticGallery.parse(o.gallery().substring("synthetic:".length()));
        int rows = generator.rows();
        int shardRows = o.shardRows();
        int count = (rows + shardRows - 1) / shardRows;
        JavaRDD<GalleryShard> shards = spark.parallelize(IntStream.range(0, count).boxed().toList(), count)
                .map(s -> generator.shard(s * shardRows, Math.min(shardRows, rows - s * shardRows)));
        LabelIndex index = LabelIndex.of(IntStream.range(0, generator.classes()).mapToObj(String::valueOf).toList());
        GalleryShard queries = o.queries() != null && o.queries().startsWith("synthetic:")
                ? generator.queries(count(o.queries(), "synthetic:")) : null;
        return new Gallery(shards, index, queries, KnnDistance.SQUARED_EUCLIDEAN, null);
    }

    private static Gallery csv(JavaSparkContext spark, Options o, byte[] modelBytes) {
        Broadcast<byte[]> model = spark.broadcast(modelBytes);
        String name = o.model().getFileName().toString();
        ExecutorModel.Description description = ExecutorModel.describe(spark, model, name);
        CsvGallery gallery = CsvGallery.open(spark, o.gallery().substring("csv:".length()), o.labelColumn());
        Map<String, Long> counts = gallery.scan(spark);
        CsvGallery querySource = o.queries() != null && o.queries().startsWith("csv:")
                ? CsvGallery.open(spark, o.queries().substring("csv:".length()), o.labelColumn()) : null;
        Map<String, Long> queryCounts = querySource == null ? Map.of() : querySource.scan(spark);
        List<String> names = new ArrayList<>(counts.keySet());
        names.addAll(queryCounts.keySet());
        if (counts.isEmpty()) {
            throw new UserError(gallery.path() + " has no rows below its header.");
        }
        LabelIndex index = LabelIndex.of(names);
        Map<String, Integer> ids = new HashMap<>();
        names.forEach(label -> ids.put(label, index.id(label)));
        Broadcast<Map<String, Integer>> shared = spark.broadcast(ids);
        GalleryShard queries = null;
        if (querySource != null) {
            long n = queryCounts.values().stream().mapToLong(Long::longValue).sum();
            queries = GalleryShard.concat(sorted(SparkJobs.run("embed the queries", () ->
                    embedded(querySource, spark, o.shardRows(), n, model, name, shared).collect())));
        }
        long rows = counts.values().stream().mapToLong(Long::longValue).sum();
        return new Gallery(embedded(gallery, spark, o.shardRows(), rows, model, name, shared), index, queries,
                description.distance(), description.provenance());
    }

    private static JavaRDD<GalleryShard> embedded(CsvGallery source, JavaSparkContext spark, int shardRows, long rows,
                                                  Broadcast<byte[]> model, String name,
                                                  Broadcast<Map<String, Integer>> ids) {
        String path = source.path();
        return source.shards(spark, shardRows, rows).map(shard -> ExecutorModel.embed(
                ExecutorModel.load(model.value(), name), shard._1(), shard._2(), ids.value(), path));
    }

    /** The first rows of the gallery (all of them with {@link Integer#MAX_VALUE}), collected here. */
    private static GalleryShard collect(JavaRDD<GalleryShard> shards, int rows) {
        return GalleryShard.concat(sorted(SparkJobs.run("collect the queries", () -> shards
                .filter(s -> s.offset() < rows).map(s -> s.head(rows - s.offset())).collect())));
    }

    private static void writeEmbeddings(JavaRDD<GalleryShard> shards, String folder, LabelIndex index) {
        List<String> names = IntStream.range(0, index.size()).mapToObj(index::name).toList();
        SparkJobs.run("write the embeddings to " + folder, () -> {
            shards.sortBy(GalleryShard::offset, true, shards.getNumPartitions()).flatMap(s -> {
                List<String> lines = new ArrayList<>(s.size());
                for (int i = 0; i < s.size(); i++) {
                    StringBuilder line = new StringBuilder().append(s.offset() + i).append(',')
                            .append(names.get(s.labels()[i]));
                    for (int j = 0; j < s.dim(); j++) {
                        line.append(',').append(s.rows()[i * s.dim() + j]);
                    }
                    lines.add(line.toString());
                }
                return lines.iterator();
            }).saveAsTextFile(folder);
            return null;
        });
    }

    private static List<GalleryShard> sorted(List<GalleryShard> shards) {
        List<GalleryShard> out = new ArrayList<>(shards);
        out.sort(Comparator.comparingInt(GalleryShard::offset));
        return out;
    }

    private static int count(String spec, String prefix) {
        try {
            int n = Integer.parseInt(spec.substring(prefix.length()).strip());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new UserError("--queries " + spec + ": give a positive row count after '" + prefix + "'.");
    }
}
