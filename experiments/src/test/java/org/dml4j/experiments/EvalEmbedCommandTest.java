package org.dml4j.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dml4j.experiments.data.ModelData;
import org.dml4j.experiments.io.ModelFiles;
import org.dml4j.experiments.report.PerQueryResults;
import org.dml4j.model.EmbeddingModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code eval} and {@code embed} on a model trained by {@code train} on a generated CSV. */
class EvalEmbedCommandTest {

    @TempDir
    static Path dir;
    private static Path csv;
    private static Path model;
    private static JsonNode trainMetrics;

    @BeforeAll
    static void train() throws IOException {
        csv = ClusterCsv.write(dir);
        model = dir.resolve("model.dml4j");
        Path metrics = dir.resolve("train-metrics.json");
        CliRun run = CliRun.of("train", "--dataset", "csv:" + csv, "--label-column", "species", "--network",
                "mlp:16,4", "--epochs", "2", "--batch-size", "32", "--m-per-class", "8", "--seed", "3", "--quiet",
                "--model-out", model.toString(), "--metrics-out", metrics.toString());
        assertEquals(0, run.exitCode(), run.all());
        trainMetrics = new ObjectMapper().readTree(metrics.toFile());
    }

    private static String[] withData(String command, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of(command, "--model", model.toString(), "--dataset",
                "csv:" + csv, "--label-column", "species", "--seed", "3"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void trainAndEvalPrintOneJsonObjectForScripts() throws IOException {
        CliRun eval = CliRun.of(withData("eval", "--json"));
        assertEquals(0, eval.exitCode(), eval.all());
        assertEquals(1, eval.lines().size(), eval.all());
        JsonNode metrics = new ObjectMapper().readTree(eval.lines().get(0));
        assertEquals(trainMetrics.get("map_at_r").asDouble(), metrics.get("map_at_r").asDouble(), 1e-12);
        CliRun train = CliRun.of("train", "--dataset", "csv:" + csv, "--label-column", "species", "--network",
                "mlp:16,4", "--epochs", "1", "--batch-size", "32", "--m-per-class", "8", "--json");
        assertEquals(0, train.exitCode(), train.all());
        assertEquals(1, train.lines().size(), train.all());
        JsonNode trained = new ObjectMapper().readTree(train.lines().get(0));
        assertTrue(trained.has("map_at_r") && trained.has("epoch_seconds_mean"), trained.toString());
        assertTrue(trained.get("epoch_seconds_last").asDouble() > 0, trained.toString());
        assertTrue(train.err().contains("epoch 1/1"), train.err());
    }

    @Test
    void evalGivesTrainsMetricsOnTheSameSplitAndThePerQueryValues() throws IOException {
        Path metrics = dir.resolve("eval-metrics.json");
        Path perQuery = dir.resolve("per-query.json");
        CliRun run = CliRun.of(withData("eval", "--metrics-out", metrics.toString(), "--per-query-out",
                perQuery.toString()));
        assertEquals(0, run.exitCode(), run.all());
        assertTrue(run.lines().stream().anyMatch(l -> l.startsWith("map_at_r")), run.all());
        JsonNode json = new ObjectMapper().readTree(metrics.toFile());
        assertEquals(trainMetrics.get("map_at_r").asDouble(), json.get("map_at_r").asDouble(), 1e-12);
        assertEquals(48, json.get("num_evaluated_queries").asInt());
        PerQueryResults results = PerQueryResults.parse(Files.readAllBytes(perQuery));
        assertEquals(48, results.queryIndices().length);
        double mean = java.util.Arrays.stream(results.values("map_at_r")).average().orElseThrow();
        assertEquals(json.get("map_at_r").asDouble(), mean, 1e-9);
    }

    @Test
    void evalShowsProgressUnlessQuietAndReportsMapOnlyWithFullRanking() throws IOException {
        CliRun plain = CliRun.of(withData("eval"));
        assertEquals(0, plain.exitCode(), plain.all());
        assertTrue(plain.err().contains("evaluating: 1/1 blocks (100%)"), plain.err());
        assertFalse(plain.lines().stream().anyMatch(l -> l.startsWith("map ")), plain.all());
        CliRun quiet = CliRun.of(withData("eval", "--quiet"));
        assertFalse(quiet.err().contains("evaluating"), quiet.err());
        CliRun full = CliRun.of(withData("eval", "--full-ranking", "--json"));
        assertEquals(0, full.exitCode(), full.all());
        assertFalse(full.err().contains("evaluating"), full.err());
        JsonNode metrics = new ObjectMapper().readTree(full.lines().get(0));
        assertTrue(metrics.has("map"), metrics.toString());
        assertEquals(trainMetrics.get("map_at_r").asDouble(), metrics.get("map_at_r").asDouble(), 1e-12);
    }

    @Test
    void embedWritesTsvAndNpyThatReadBack() throws IOException {
        Path tsv = dir.resolve("e.tsv");
        Path npy = dir.resolve("e.npy");
        Path labels = dir.resolve("labels.txt");
        assertEquals(0, CliRun.of(withData("embed", "-o", tsv.toString(), "--split", "train", "--labels-out",
                labels.toString())).exitCode());
        CliRun run = CliRun.of(withData("embed", "-o", npy.toString(), "--split", "train"));
        assertEquals(0, run.exitCode(), run.all());
        assertTrue(run.lines().get(0).startsWith("192 embeddings of size 4"), run.all());

        EmbeddingModel loaded = ModelFiles.load(model);
        ModelData data = new ModelData();
        picocli.CommandLine.populateCommand(data, "--model", model.toString(), "--dataset", "csv:" + csv,
                "--label-column", "species", "--seed", "3", "--split", "train");
        INDArray expected = loaded.embed(data.load().examples());
        float[][] rows = expected.toFloatMatrix();

        List<String> tsvLines = Files.readAllLines(tsv);
        assertEquals(192, tsvLines.size());
        assertEquals(192, Files.readAllLines(labels).size());
        assertTrue(Files.readAllLines(labels).get(0).startsWith("class"));
        for (int i = 0; i < rows.length; i++) {
            String[] cells = tsvLines.get(i).split("\t");
            float[] values = new float[cells.length];
            for (int j = 0; j < cells.length; j++) {
                values[j] = Float.parseFloat(cells[j]);
            }
            assertArrayEquals(rows[i], values, "row " + i);
        }

        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(npy)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[6];
        bytes.get(magic);
        assertEquals("\u0093NUMPY", new String(magic, StandardCharsets.ISO_8859_1));
        assertEquals(1, bytes.get());
        assertEquals(0, bytes.get());
        int headerLength = bytes.getShort() & 0xffff;
        assertEquals(0, (10 + headerLength) % 64);
        byte[] header = new byte[headerLength];
        bytes.get(header);
        String text = new String(header, StandardCharsets.US_ASCII);
        assertTrue(text.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (192, 4), }"), text);
        assertTrue(text.endsWith("\n"));
        for (float[] row : rows) {
            for (float value : row) {
                assertEquals(value, bytes.getFloat());
            }
        }
        assertEquals(0, bytes.remaining());
    }

    /** Exit 2 and one line on standard error, no stack trace. */
    private static void assertOneLineError(CliRun run, String expected) {
        assertEquals(2, run.exitCode(), run.all());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains(expected), run.err());
    }

    @Test
    void evalRefusesANonFiniteEmbeddingNamingTheExample() throws IOException {
        EmbeddingModel poisoned = ModelFiles.load(model);
        poisoned.network().parameters().values().iterator().next().putScalar(0, 0, Double.NaN);
        Path file = dir.resolve("nan.dml4j");
        poisoned.serializeToFile(file);
        CliRun run = CliRun.of("eval", "--model", file.toString(), "--dataset", "csv:" + csv, "--label-column",
                "species", "--seed", "3", "--quiet");
        assertOneLineError(run, "dml4j eval: example 0 (label 'class");
        assertTrue(run.err().contains("has a non-finite embedding (NaN in dimension"), run.err());
        assertTrue(run.lines().isEmpty(), "no metrics: " + run.all());
    }

    @Test
    void evalRefusesAOneClassDataset() throws IOException {
        Path oneClass = dir.resolve("one-class.csv");
        Files.writeString(oneClass, Files.readString(csv).replaceAll("class[0-9]", "class0"));
        CliRun run = CliRun.of("eval", "--model", model.toString(), "--dataset", "csv:" + oneClass,
                "--label-column", "species", "--quiet");
        assertOneLineError(run, "dml4j eval: every example has the label 'class0', so every candidate is "
                + "relevant and every rank metric would be 1 whatever the embeddings; evaluate on data with at "
                + "least two classes");
        assertTrue(run.lines().isEmpty(), "no metrics: " + run.all());
    }

    @Test
    void mistakesGiveOneClearMessage() {
        CliRun missing = CliRun.of("eval", "--model", dir.resolve("none.dml4j").toString(), "--dataset",
                "csv:" + csv, "--label-column", "species");
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("Model file not found"), missing.err());
        CliRun split = CliRun.of(withData("eval", "--split", "test"));
        assertEquals(2, split.exitCode());
        assertTrue(split.err().contains("Use --split eval or --split train"), split.err());
        CliRun format = CliRun.of(withData("embed", "-o", dir.resolve("x.bin").toString(), "--format", "csv"));
        assertEquals(2, format.exitCode());
        assertTrue(format.err().contains("Use --format tsv or --format npy"), format.err());
        assertEquals(0, CliRun.of("eval", "--help").exitCode());
        assertEquals(0, CliRun.of("embed", "--help").exitCode());
    }
}
