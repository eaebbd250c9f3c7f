package org.dml4j.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.dml4j.experiments.io.JsonFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded fuzzing of the command line's inputs (issue 23): over 1,000 malformed CSV datasets, OLCUT configuration
 * files, sweep files (JSON and YAML), conformance case files and command lines, each run in-process, must each end
 * in a clear error with exit status 2 within a per-case time limit: a message (on standard error, or a conformance
 * case's FAIL line), no stack trace, no unexpected exception's class name, no NaN. Every case is malformed by
 * construction (one mistake drawn from a catalogue, with random details), so none of them trains.
 */
class FuzzTest {

    private static final long SEED = 23;
    private static final long CASE_SECONDS = 30;
    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyz";

    @TempDir
    static Path dir;
    private static Path csv;
    private static String config;
    private static List<JsonNode> caseFiles;

    @BeforeAll
    static void inputs() throws IOException, URISyntaxException {
        csv = ClusterCsv.write(dir);
        config = Files.readString(Path.of("configs", "triplet.xml")).replaceAll("(?s)<!--.*?-->", "");
        Path cases = Path.of(FuzzTest.class.getResource("/cases").toURI());
        caseFiles = new ArrayList<>();
        for (String name : List.of("contrastive__random1.json", "proxy_anchor__random2.json",
                "miners_input1_b16_d4.json")) {
            caseFiles.add(JsonFiles.MAPPER.readTree(cases.resolve(name).toFile()));
        }
    }

    @Test
    void everyMalformedInputEndsInAClearError() throws IOException, InterruptedException {
        Random random = new Random(SEED);
        List<List<String>> cases = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            cases.add(trainWith("--config", write("config-" + i + ".xml", brokenConfig(random))));
        }
        for (int i = 0; i < 300; i++) {
            cases.add(List.of("sweep", brokenSweep(random, i)));
        }
        for (int i = 0; i < 200; i++) {
            cases.add(List.of("conformance", brokenCase(random, i)));
        }
        for (int i = 0; i < 250; i++) {
            cases.add(brokenCommand(random));
        }
        for (int i = 0; i < 250; i++) {
            cases.add(List.of("train", "--dataset", "csv:" + brokenCsv(random, i), "--label-column", "species",
                    "--quiet", "--epochs", "1", "--batch-size", "32", "--m-per-class", "8", "--network", "mlp:16,4"));
        }
        assertTrue(cases.size() >= 1000);
        List<String> failures = new ArrayList<>();
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "fuzz-case");
            thread.setDaemon(true);
            return thread;
        });
        try {
            for (List<String> args : cases) {
                String problem = problem(executor, args);
                if (problem != null && failures.size() < 10) {
                    failures.add(args + ": " + problem);
                }
            }
        } finally {
            executor.shutdownNow();
        }
        assertEquals(List.of(), failures);
    }

    /** What is wrong with how a case ended, or null when it ended in a clear error with exit 2. */
    private static String problem(ExecutorService executor, List<String> args) throws InterruptedException {
        Future<CliRun> future = executor.submit(() -> CliRun.of(args.toArray(String[]::new)));
        CliRun run;
        try {
            run = future.get(CASE_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return "still running after " + CASE_SECONDS + " s";
        } catch (ExecutionException e) {
            return "threw " + e.getCause();
        }
        if (run.exitCode() != 2) {
            return "exit " + run.exitCode() + ": " + run.all();
        }
        if (run.all().isBlank() || run.all().contains("\tat ") || run.all().contains("(java.")) {
            return "not a clear error: " + run.all();
        }
        return String.join("\n", run.lines()).contains("NaN") ? "NaN in the output: " + run.all() : null;
    }

    /** The shipped triplet configuration with one mistake. */
    private static String brokenConfig(Random random) {
        int body = config.indexOf("<config>") + "<config>".length();
        int end = config.indexOf("</config>");
        return switch (random.nextInt(7)) {
            case 0 -> config.substring(0, random.nextInt(end));
            case 1 -> insert(config, body + random.nextInt(end - body), "<");
            case 2 -> insert(config, body + random.nextInt(end - body), "&" + word(random) + ";");
            case 3 -> config.replaceFirst("<config>", "<!DOCTYPE config [<!ENTITY " + word(random) + " SYSTEM \""
                    + (random.nextBoolean() ? "file:///etc/hostname" : "http://127.0.0.1:9/x") + "\">]>\n<config>");
            case 4 -> config.replaceFirst("type=\"org\\.dml4j\\.[A-Za-z.]+\"",
                    "type=\"org.dml4j." + word(random) + "." + word(random).toUpperCase() + "\"");
            case 5 -> {
                String property = pick(random, "epochs", "batchSize", "margin", "learningRate", "seed",
                        "embeddingSize", "m");
                yield config.replaceFirst("name=\"" + property + "\" value=\"[^\"]*\"", "name=\"" + property
                        + "\" value=\"" + word(random) + "\"");
            }
            default -> random.nextBoolean() ? config.replace("name=\"trainer\"", "name=\"" + word(random) + "\"")
                    : config.replaceFirst("value=\"(loss|miner|network|sampler)\"", "value=\"" + word(random) + "\"");
        };
    }

    /** A valid sweep file with one mistake, as JSON or YAML. */
    private static String brokenSweep(Random random, int i) throws IOException {
        ObjectNode root = JsonFiles.MAPPER.createObjectNode();
        ObjectNode base = root.putObject("base").put("dataset", "csv:" + csv).put("label-column", "species")
                .put("network", "mlp:16,4").put("epochs", 1).put("batch-size", 32).put("m-per-class", 8);
        ObjectNode space = root.putObject("space");
        space.putArray("lr").add(0.001).add(0.01);
        root.put("search", "grid");
        JsonNode written = root;
        switch (random.nextInt(12)) {
            case 0 -> root.put("x" + word(random), random.nextInt());
            case 1 -> root.remove("space");
            case 2 -> root.put("space", word(random));
            case 3 -> space.putArray(word(random));
            case 4 -> space.putObject("lr").put("min", 1 + random.nextInt(9)).put("max", 0.5);
            case 5 -> space.putObject("lr").put("min", -random.nextInt(5)).put("max", 1).put("log", true);
            case 6 -> root.put("search", "x" + word(random));
            case 7 -> root.put("search", "random");
            case 8 -> root.set(pick(random, "trials", "parallel"), random.nextBoolean()
                    ? IntNode.valueOf(-random.nextInt(5)) : TextNode.valueOf("x" + word(random)));
            case 9 -> root.put(pick(random, "isolation", "search"), "x" + word(random));
            case 10 -> root.putObject("early_stopping").put("rule", "x" + word(random));
            default -> {
                if (random.nextBoolean()) {
                    base.putArray(word(random)).add(1);
                } else {
                    written = JsonFiles.MAPPER.createArrayNode().add(root);
                }
            }
        }
        boolean yaml = i % 2 == 1;
        String text = yaml ? new YAMLMapper().writeValueAsString(written)
                : JsonFiles.MAPPER.writeValueAsString(written);
        if (random.nextInt(6) == 0) {
            text = yaml ? text + "\nspace: {lr: [1, 2]\n" : text.substring(0, random.nextInt(text.length() - 1));
        }
        return write("sweep-" + i + (yaml ? ".yaml" : ".json"), text);
    }

    /** One of the test's conformance case files with one mistake. */
    private static String brokenCase(Random random, int i) throws IOException {
        ObjectNode root = caseFiles.get(random.nextInt(caseFiles.size())).deepCopy();
        boolean miner = root.has("miner_results");
        ObjectNode inputs = (ObjectNode) root.get("inputs");
        String text = null;
        switch (random.nextInt(7)) {
            case 0 -> truncate((ArrayNode) inputs.get("labels"), random);
            case 1 -> truncate((ArrayNode) inputs.get("embeddings"), random);
            case 2 -> inputs.remove(pick(random, "labels", "embeddings"));
            case 3 -> ((ArrayNode) inputs.get(random.nextBoolean() ? "labels" : "embeddings"))
                    .set(random.nextInt(inputs.get("labels").size()), TextNode.valueOf(word(random)));
            case 4 -> root.put("schema", "dml-golden/" + word(random));
            case 5 -> change(root, miner, random);
            default -> {
                String json = JsonFiles.MAPPER.writeValueAsString(root);
                text = json.substring(0, random.nextInt(json.length() - 1));
            }
        }
        return write("case-" + i + ".json", text != null ? text : JsonFiles.MAPPER.writeValueAsString(root));
    }

    /**
     * The test's CSV with one mistake: a non-finite, float32-overflowing or non-numeric cell, a short or long row,
     * no label column, no data rows, or a single class.
     */
    private static String brokenCsv(Random random, int i) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(csv));
        int row = 1 + random.nextInt(lines.size() - 1);
        List<String> cells = new ArrayList<>(List.of(lines.get(row).split(",", -1)));
        int column = random.nextInt(cells.size() - 1);
        int mistake = random.nextInt(7);
        switch (mistake) {
            case 0 -> cells.set(column, pick(random, "NaN", "Infinity", "-Infinity", "1e400", "-1e200", "3.5e38"));
            case 1 -> cells.set(column, pick(random, "", "x" + word(random), "1.2.3", "--1", "nan", "inf"));
            case 2 -> cells.remove(column);
            case 3 -> cells.add(random.nextInt(cells.size() + 1), String.valueOf(random.nextGaussian()));
            case 4 -> lines.set(0, lines.get(0).replace("species", "x" + word(random)));
            case 5 -> lines.subList(random.nextInt(2), lines.size()).clear();
            default -> lines.replaceAll(line -> line.replaceFirst("class[0-9]$", "class0"));
        }
        if (mistake < 4) {
            lines.set(row, String.join(",", cells));
        }
        return write("data-" + i + ".csv", String.join("\n", lines) + "\n");
    }

    /** Truncates or empties the expected values: a miner's output, or a loss's value or gradient. */
    private static void change(ObjectNode root, boolean miner, Random random) {
        if (miner) {
            ArrayNode results = (ArrayNode) root.get("miner_results");
            if (random.nextBoolean()) {
                results.removeAll();
            } else {
                ((ObjectNode) results.get(random.nextInt(results.size()))).remove("output");
            }
            return;
        }
        ObjectNode expected = (ObjectNode) root.get("expected");
        switch (random.nextInt(3)) {
            case 0 -> expected.remove(pick(random, "loss", "grad_embeddings"));
            case 1 -> truncate((ArrayNode) expected.get("grad_embeddings"), random);
            default -> expected.putArray("grad_embeddings");
        }
    }

    /** A train (or other) command line with one mistake after some valid options. */
    private static List<String> brokenCommand(Random random) {
        List<String> valid = List.of("--quiet", "--epochs=1", "--seed=" + random.nextInt(100), "--network=mlp:16,4");
        List<String> args = new ArrayList<>(List.of("train", "--dataset", "csv:" + csv, "--label-column", "species",
                "--batch-size", "32", "--m-per-class", "8"));
        args.addAll(valid.subList(0, random.nextInt(valid.size() + 1)));
        String garbage = word(random);
        switch (random.nextInt(14)) {
            case 0 -> args.add("--" + garbage);
            case 1 -> args.addAll(List.of(pick(random, "--epochs", "--batch-size", "--lr", "--seed", "--margin",
                    "--m-per-class", "--patience", "--memory-size", "--image-size"), garbage));
            case 2 -> args.addAll(List.of(pick(random, "--loss", "--miner", "--optimizer"), "x" + garbage));
            case 3 -> args.addAll(List.of("--network", pick(random, "mlp:", "cnn:", "") + garbage));
            case 4 -> args.addAll(List.of("--tuple-kind", garbage));
            case 5 -> args.addAll(List.of("--dataset", pick(random, "csv:", "x:", "image-folder:", "cub:")
                    + dir.resolve("missing-" + garbage)));
            case 6 -> args.addAll(List.of("--label-column", "x" + garbage));
            case 7 -> args.addAll(List.of("--batch-size", "30"));
            case 8 -> args.addAll(List.of("--config", dir.resolve("missing-" + garbage + ".xml").toString()));
            case 9 -> args.addAll(List.of("--config-override", garbage + ".epochs=3"));
            case 10 -> args.addAll(List.of("--train-classes", "x" + garbage));
            case 11 -> args.add(pick(random, "--epochs", "--loss", "--dataset", "--config"));
            case 12 -> args.set(0, "x" + garbage);
            default -> {
                args.clear();
                args.add(pick(random, "compare", "reproduce", "conformance", "eval", "embed"));
            }
        }
        return args;
    }

    private static List<String> trainWith(String... options) {
        List<String> args = new ArrayList<>(List.of("train", "--dataset", "csv:" + csv, "--label-column", "species",
                "--quiet", "--train-limit", "64"));
        args.addAll(List.of(options));
        return args;
    }

    private static void truncate(ArrayNode array, Random random) {
        int keep = random.nextInt(array.size());
        while (array.size() > keep) {
            array.remove(array.size() - 1);
        }
    }

    private static String insert(String text, int at, String what) {
        return text.substring(0, at) + what + text.substring(at);
    }

    private static String word(Random random) {
        StringBuilder word = new StringBuilder();
        for (int i = 0, n = 1 + random.nextInt(8); i < n; i++) {
            word.append(LETTERS.charAt(random.nextInt(LETTERS.length())));
        }
        return word.toString();
    }

    @SafeVarargs
    private static <T> T pick(Random random, T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private static String write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content).toString();
    }
}
