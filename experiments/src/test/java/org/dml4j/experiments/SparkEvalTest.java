package org.dml4j.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import org.dml4j.data.LabelIndex;
import org.dml4j.eval.RetrievalEvaluation;
import org.dml4j.eval.RetrievalEvaluator;
import org.dml4j.eval.RetrievalMode;
import org.dml4j.experiments.io.JsonFiles;
import org.dml4j.experiments.io.ModelFiles;
import org.dml4j.model.EmbeddingModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dml4j spark-eval} on a real standalone cluster (a master and two one-core workers on loopback): a CSV
 * gallery read and embedded by the executors, sharded over them in three shards, gives every metric exactly as
 * {@link RetrievalEvaluator} in this JVM on the same file, with exact duplicate rows in different shards (ties), for
 * leave-one-out, for the first rows as queries (with an executor killed mid-evaluation) and for separate queries;
 * the executors' embeddings are this JVM's, bit for bit. A path the executors cannot read and a model they cannot
 * load are clear errors within seconds.
 */
class SparkEvalTest {

    private static final int BLOCK = 256;
    private static final int[] KS = {1, 2, 4, 8, 16};

    @TempDir
    static Path dir;
    private static LocalSparkCluster spark;
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
        // 2,500 rows, then rows 1..300 again: exact ties between shard 0 and shard 2 (1,024 rows a shard)
        List<String> lines = Files.readAllLines(ClusterCsv.write(Files.createDirectories(dir.resolve("g")), 2500, 8));
        List<String> withTies = new ArrayList<>(lines);
        withTies.addAll(lines.subList(1, 301));
        gallery = Files.write(dir.resolve("gallery.csv"), withTies);
        List<String> q = Files.readAllLines(ClusterCsv.write(Files.createDirectories(dir.resolve("q")), 2300, 8));
        queries = Files.write(dir.resolve("queries.csv"), q.subList(0, 1).stream()
                .flatMap(header -> Stream.concat(Stream.of(header), q.subList(2000, 2300).stream())).toList());
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.close();
        }
    }

    @Test
    void leaveOneOutOnTheClusterIsTheSingleJvmEvaluationExactly() throws IOException {
        CliRun run = sparkEval("--full-ranking");
        EmbeddingModel embedder = ModelFiles.load(model);
        RetrievalEvaluation local = evaluator().withFullRanking(true).evaluate(embedder, load(gallery));
        assertSameMetrics(local, run);
    }

    @Test
    void theFirstRowsAsQueriesLosingAnExecutorIsTheSingleJvmEvaluationExactly() throws Exception {
        CompletableFuture<CliRun> running = CompletableFuture.supplyAsync(() -> sparkEval("--queries", "first:700"));
        assertTrue(spark.killAnExecutorWithATask(Duration.ofSeconds(120)), "no executor got a task");
        CliRun run = running.get(5, TimeUnit.MINUTES);
        assertTrue(spark.executorLogs().matches("(?s).*Running task \\d+\\.[1-9] in stage.*"), "a retried task");

        EmbeddingModel embedder = ModelFiles.load(model);
        Dataset<Label> data = load(gallery);
        INDArray all = embedder.embed(data);
        int[] labels = labelIds(data);
        RetrievalEvaluation local = new RetrievalEvaluator(KS, embedder.distance(), BLOCK, true,
                RetrievalEvaluator.DEFAULT_SEED).evaluate(all.get(NDArrayIndex.interval(0, 700), NDArrayIndex.all()),
                Arrays.copyOf(labels, 700), all, labels, RetrievalMode.QUERY_PREFIX_OF_REFERENCE);
        assertSameMetrics(local, run);
    }

    @Test
    void separateQueriesOnTheClusterAreTheSingleJvmEvaluationAndEmbeddingsExactly() throws IOException {
        Path out = dir.resolve("embeddings");
        CliRun run = sparkEval("--queries", "csv:" + queries, "--embeddings-out", out.toString());
        EmbeddingModel embedder = ModelFiles.load(model);
        Dataset<Label> data = load(gallery);
        RetrievalEvaluation local = evaluator().evaluate(embedder, load(queries), data);
        assertSameMetrics(local, run);

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
    void aPathTheExecutorsCannotReadIsAClearErrorWithinSeconds() {
        long start = System.nanoTime();
        CliRun run = CliRun.of("spark-eval", "--spark", spark.masterUrl(), "--spark-home", spark.home().toString(),
                "--gallery", "csv:" + dir.resolve("nowhere.csv"), "--model", model.toString(), "--quiet");
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(2, run.exitCode(), run.all());
        assertTrue(run.err().contains("An executor cannot read the CSV file " + dir.resolve("nowhere.csv")),
                run.err());
        assertTrue(seconds < 60, "took " + seconds + " s");
    }

    @Test
    void aModelTheExecutorsCannotLoadIsAClearErrorWithinSeconds() throws IOException {
        Path broken = Files.write(dir.resolve("broken.dml4j"), Arrays.copyOf(Files.readAllBytes(model), 200));
        long start = System.nanoTime();
        CliRun run = CliRun.of("spark-eval", "--spark", spark.masterUrl(), "--spark-home", spark.home().toString(),
                "--gallery", "csv:" + gallery, "--label-column", "species", "--model", broken.toString(), "--quiet");
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(2, run.exitCode(), run.all());
        assertTrue(run.err().contains("The model broken.dml4j does not load on the executors"), run.err());
        assertTrue(seconds < 60, "took " + seconds + " s");
    }

    private static CliRun sparkEval(String... more) {
        List<String> args = new ArrayList<>(List.of("spark-eval", "--spark", spark.masterUrl(), "--spark-home",
                spark.home().toString(), "--gallery", "csv:" + gallery, "--label-column", "species", "--model",
                model.toString(), "--block-size", String.valueOf(BLOCK), "--shard-rows", "1024", "--json"));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
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

    /** Every metric of the run's JSON is the local evaluation's, to the bit. */
    private static void assertSameMetrics(RetrievalEvaluation local, CliRun run) throws IOException {
        assertEquals(0, run.exitCode(), run.all());
        JsonNode json = JsonFiles.MAPPER.readTree(String.join("\n", run.lines()));
        Map<String, Double> got = new TreeMap<>();
        json.fields().forEachRemaining(e -> got.put(e.getKey(), e.getValue().asDouble()));
        Map<String, Double> want = new TreeMap<>(local.summary());
        assertEquals(want.keySet(), got.keySet());
        for (String metric : want.keySet()) {
            assertEquals(want.get(metric), got.get(metric), 0.0, metric);
        }
    }
}
