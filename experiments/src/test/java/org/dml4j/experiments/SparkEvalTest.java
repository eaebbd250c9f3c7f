package org.dml4j.experiments;

import org.dml4j.data.LabelIndex;
import org.dml4j.eval.RetrievalEvaluation;
import org.dml4j.eval.RetrievalEvaluator;
import org.dml4j.eval.RetrievalMode;
import org.dml4j.experiments.io.JsonFiles;
import org.dml4j.experiments.io.ModelFiles;
import org.dml4j.experiments.io.UserError;
import org.dml4j.experiments.spark.ShardedEvaluation;
import org.dml4j.model.EmbeddingModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.data.csv.CSVLoader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sharded exact evaluation on a real standalone cluster (a master and two one-core workers on loopback): a CSV
 * gallery read and embedded by the executors and kept there in three shards gives every metric exactly as
 * {@link RetrievalEvaluator} in this JVM on the same file, with exact duplicate rows in different shards (ties):
 * leave-one-out with full-ranking mAP, separate queries, and through {@code dml4j spark-eval} the first rows as
 * queries while an executor is killed mid-evaluation. The executors' embeddings are this JVM's, bit for bit. A path
 * the executors cannot read and a model they cannot load are clear errors within seconds. One application serves
 * all but the command-line case (executors start once).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkEvalTest {

    private static final int BLOCK = 256;
    private static final int[] KS = {1, 2, 4, 8, 16};

    @TempDir
    static Path dir;
    private static LocalSparkCluster spark;
    private static ShardedEvaluation.Session session;
    private static Path model;
    private static Path gallery;
    private static Path queries;

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        spark = LocalSparkCluster.start(2);
        Path train = ClusterCsv.write(dir);
        model = dir.resolve("model.dml4j");
        CliRun run = CliRun.of("train", "--dataset", "csv:" + train, "--label-column", "species", "--network",
                "mlp:16,4", "--epochs", "1", "--batch-size", "32", "--m-per-class", "8", "--seed", "3", "--quiet",
                "--model-out", model.toString());
        assertEquals(0, run.exitCode(), run.all());
        // 2,100 rows in 40 classes, then rows 1..200 again: exact ties between shard 0 and shard 2 (1,024 rows a shard)
        List<String> lines = relabelled(ClusterCsv.write(Files.createDirectories(dir.resolve("g")), 2100, 8));
        List<String> withTies = new ArrayList<>(lines);
        withTies.addAll(lines.subList(1, 201));
        gallery = Files.write(dir.resolve("gallery.csv"), withTies);
        List<String> q = relabelled(ClusterCsv.write(Files.createDirectories(dir.resolve("q")), 2400, 8));
        queries = Files.write(dir.resolve("queries.csv"), Stream.concat(Stream.of(q.get(0)),
                q.subList(2101, 2401).stream()).toList());
        session = ShardedEvaluation.Session.open(spark.masterUrl(), spark.home(), Duration.ofSeconds(120));
    }

    /** The CSV's lines with each row's class split in ten by row number: 40 classes. */
    private static List<String> relabelled(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        List<String> out = new ArrayList<>(List.of(lines.get(0)));
        for (int i = 1; i < lines.size(); i++) {
            out.add(lines.get(i) + "-" + (i % 10));
        }
        return out;
    }

    @AfterAll
    static void stop() {
        if (session != null) {
            session.close();
        }
        if (spark != null) {
            spark.close();
        }
    }

    @Test
    @Order(1)
    void leaveOneOutOnTheClusterIsTheSingleJvmEvaluationExactly() throws IOException {
        ShardedEvaluation.Result result = session.evaluate(options(null, true, null), null);
        RetrievalEvaluation local = evaluator().withFullRanking(true).evaluate(ModelFiles.load(model),
                load(gallery));
        assertEquals(3, result.shards());
        assertSameMetrics(local.summary(), result.evaluation().summary());
    }

    @Test
    @Order(2)
    void separateQueriesAndTheEmbeddingsOnTheClusterAreTheSingleJvmOnesExactly() throws IOException {
        Path out = dir.resolve("embeddings");
        ShardedEvaluation.Result result = session.evaluate(options("csv:" + queries, false, out.toString()), null);
        EmbeddingModel embedder = ModelFiles.load(model);
        Dataset<Label> data = load(gallery);
        assertSameMetrics(evaluator().evaluate(embedder, load(queries), data).summary(),
                result.evaluation().summary());

        INDArray want = embedder.embed(data);
        List<String> written = new ArrayList<>();
        try (Stream<Path> parts = Files.list(out)) {
            for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList()) {
                written.addAll(Files.readAllLines(part));
            }
        }
        assertEquals(data.size(), written.size());
        for (int i = 0; i < written.size(); i++) {
            String[] cells = written.get(i).split(",");
            assertEquals(String.valueOf(i), cells[0]);
            assertEquals(data.getExample(i).getOutput().getLabel(), cells[1]);
            float[] values = new float[cells.length - 2];
            for (int j = 0; j < values.length; j++) {
                values[j] = Float.parseFloat(cells[j + 2]);
            }
            assertArrayEquals(want.getRow(i).toFloatVector(), values, 0f, "row " + i);
        }
    }

    @Test
    @Order(3)
    void aSyntheticGalleryOnTheClusterIsTheSingleJvmBaselineExactly() {
        // 2,500 rows: shards of 1,024 on the cluster, and chunks of 1,024 the baseline generates into one matrix
        for (String queries : new String[]{"synthetic:300", "first:200", null}) {
            ShardedEvaluation.Options o = new ShardedEvaluation.Options("synthetic:2500,8,40,7", null, null, queries,
                    KS, BLOCK, 1024, queries == null, true, null);
            ShardedEvaluation.Result single = ShardedEvaluation.singleJvm(o, null);
            ShardedEvaluation.Result cluster = session.evaluate(o, null);
            assertEquals(2500, single.galleryRows());
            assertEquals(3, cluster.shards());
            assertSameMetrics(single.evaluation().summary(), cluster.evaluation().summary());
        }
    }

    @Test
    @Order(4)
    void aPathTheExecutorsCannotReadIsAClearErrorWithinSeconds() {
        Path nowhere = dir.resolve("nowhere.csv");
        String message = failsWithin(o -> new ShardedEvaluation.Options("csv:" + nowhere, o.labelColumn(),
                o.model(), null, KS, BLOCK, 1024, false, false, null));
        assertTrue(message.contains("An executor cannot read the CSV file " + nowhere), message);
    }

    @Test
    @Order(5)
    void aModelTheExecutorsCannotLoadIsAClearErrorWithinSeconds() throws IOException {
        Path broken = Files.write(dir.resolve("broken.dml4j"), Arrays.copyOf(Files.readAllBytes(model), 200));
        String message = failsWithin(o -> new ShardedEvaluation.Options(o.gallery(), o.labelColumn(), broken, null,
                KS, BLOCK, 1024, false, false, null));
        assertTrue(message.contains("The model broken.dml4j does not load on the executors"), message);
    }

    /** Last: a second application, once the session's has ended. */
    @Test
    @Order(6)
    void theCommandWithTheFirstRowsAsQueriesLosingAnExecutorIsTheSingleJvmEvaluationExactly() throws Exception {
        session.close();
        session = null;
        CompletableFuture<CliRun> running = CompletableFuture.supplyAsync(() -> CliRun.of("spark-eval", "--spark",
                spark.masterUrl(), "--spark-home", spark.home().toString(), "--gallery", "csv:" + gallery,
                "--label-column", "species", "--model", model.toString(), "--block-size", String.valueOf(BLOCK),
                "--shard-rows", "1024", "--queries", "first:700", "--json"));
        assertTrue(spark.killAnExecutorWithATaskOfANewApp(Duration.ofSeconds(180)), "no executor got a task");
        CliRun run = running.get(5, TimeUnit.MINUTES);
        assertEquals(0, run.exitCode(), run.all());
        assertTrue(spark.executorLogs().matches("(?s).*Running task \\d+\\.[1-9] in stage.*"), "a retried task");

        EmbeddingModel embedder = ModelFiles.load(model);
        Dataset<Label> data = load(gallery);
        INDArray all = embedder.embed(data);
        int[] labels = labelIds(data);
        RetrievalEvaluation local = new RetrievalEvaluator(KS, embedder.distance(), BLOCK, true,
                RetrievalEvaluator.DEFAULT_SEED).evaluate(all.get(NDArrayIndex.interval(0, 700), NDArrayIndex.all()),
                Arrays.copyOf(labels, 700), all, labels, RetrievalMode.QUERY_PREFIX_OF_REFERENCE);
        Map<String, Double> got = new TreeMap<>();
        JsonFiles.MAPPER.readTree(String.join("\n", run.lines())).fields()
                .forEachRemaining(e -> got.put(e.getKey(), e.getValue().asDouble()));
        assertSameMetrics(local.summary(), got);
    }

    private static String failsWithin(Function<ShardedEvaluation.Options, ShardedEvaluation.Options> options) {
        long start = System.nanoTime();
        UserError error = assertThrows(UserError.class, () -> session.evaluate(options.apply(
                options(null, false, null)), null));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 60, "took " + seconds + " s");
        return error.getMessage();
    }

    private static ShardedEvaluation.Options options(String queries, boolean fullRanking, String embeddingsOut) {
        return new ShardedEvaluation.Options("csv:" + gallery, "species", model, queries, KS, BLOCK, 1024,
                fullRanking, true, embeddingsOut);
    }

    private static RetrievalEvaluator evaluator() {
        return new RetrievalEvaluator(KS, null, BLOCK, true, RetrievalEvaluator.DEFAULT_SEED);
    }

    private static Dataset<Label> load(Path csv) throws IOException {
        return new MutableDataset<>(new CSVLoader<>(new LabelFactory()).loadDataSource(csv, "species"));
    }

    private static int[] labelIds(Dataset<Label> data) {
        List<String> names = new ArrayList<>();
        for (Example<Label> example : data) {
            names.add(example.getOutput().getLabel());
        }
        LabelIndex index = LabelIndex.of(names);
        return names.stream().mapToInt(index::id).toArray();
    }

    /** Every metric is the local evaluation's, to the bit. */
    private static void assertSameMetrics(Map<String, Double> local, Map<String, Double> cluster) {
        Map<String, Double> want = new TreeMap<>(local);
        Map<String, Double> got = new TreeMap<>(cluster);
        assertEquals(want.keySet(), got.keySet());
        for (String metric : want.keySet()) {
            assertEquals(want.get(metric), got.get(metric), 0.0, metric);
        }
    }
}
