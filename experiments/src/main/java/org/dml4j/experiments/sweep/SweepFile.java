package org.dml4j.experiments.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.dml4j.experiments.io.JsonFiles;
import org.dml4j.experiments.io.UserError;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A sweep file (JSON, or YAML with the same keys when it ends in {@code .yaml}/{@code .yml}): the base {@code train}
 * options, the search space, the search, the trial budget, the parallel trials and their isolation (threads or
 * processes), the metric to maximize on the validation split, and early stopping. For example:
 * <pre>{@code
 * {"base": {"dataset": "csv:data.csv", "label-column": "species", "network": "mlp:32,8", "epochs": 4},
 *  "space": {"lr": {"min": 1e-4, "max": 1e-2, "log": true}, "loss": ["triplet", "contrastive"]},
 *  "search": "random", "seed": 7, "trials": 8, "parallel": 1, "metric": "map_at_r",
 *  "early_stopping": {"rule": "median", "grace_epochs": 1, "min_trials": 2}}
 * }</pre>
 * or {@code "early_stopping": {"rule": "halving", "min_epochs": 1, "reduction_factor": 3}}. A space or base key
 * {@code config:COMPONENT.PROPERTY} sets a property of the base's {@code config} file.
 *
 * @param base       train options every trial shares (name without dashes to value)
 * @param space      the searched options
 * @param random     random search (else the grid)
 * @param seed       the random search's seed
 * @param budget     the most trials
 * @param parallel   trials run at once (bounded by the cores)
 * @param processes  each trial in a child JVM ("isolation": "process") rather than a thread
 * @param metric     the validation metric to maximize
 * @param stopping   the stopping rule's settings, or null for no early stopping
 */
public record SweepFile(Map<String, String> base, SearchSpace space, boolean random, long seed, int budget, int parallel,
                 boolean processes, String metric, StoppingRule.Settings stopping) {

    private static final Set<String> KEYS = Set.of("base", "space", "search", "seed", "trials", "parallel",
            "isolation", "metric", "early_stopping");
    private static final ObjectMapper YAML = new YAMLMapper(YAMLFactory.builder().loaderOptions(loaderOptions())
            .build());
    /** The validation fraction of the training data when the base does not set one. */
    public static final String DEFAULT_VALIDATION_FRACTION = "0.2";

    /**
     * Reads and checks a sweep file.
     *
     * @param file the file
     * @return the sweep
     * @throws UserError naming the mistake and the fix
     */
    public static SweepFile read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError("Sweep file not found: " + file + ". Give the path of a JSON or YAML sweep file "
                    + "(see dml4j sweep --help).");
        }
        String name = file.getFileName().toString();
        boolean yaml = name.endsWith(".yaml") || name.endsWith(".yml");
        JsonNode root;
        try {
            root = (yaml ? YAML : JsonFiles.MAPPER).readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw syntaxError(file, yaml, e);
        } catch (IOException e) {
            throw new UserError("Cannot read the sweep file " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new UserError("The sweep file " + file + " must hold an object (a JSON object or a YAML mapping) "
                    + "with at least \"space\".");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new UserError("Unknown key '" + key + "' in the sweep file " + file + ". The keys are "
                        + KEYS + ".");
            }
        }
        Map<String, String> base = scalars(root.path("base"), "base");
        base.putIfAbsent("validation-fraction", DEFAULT_VALIDATION_FRACTION);
        SearchSpace space = space(root.path("space"));
        String search = root.path("search").asText("grid");
        if (!search.equals("grid") && !search.equals("random")) {
            throw new UserError("Unknown search '" + search + "'. Use \"search\": \"grid\" or \"search\": "
                    + "\"random\".");
        }
        boolean random = search.equals("random");
        if (random && !root.has("trials")) {
            throw new UserError("A random search needs a trial budget: add \"trials\": N to the sweep file.");
        }
        int budget = positive(root, "trials", Integer.MAX_VALUE);
        int parallel = positive(root, "parallel", 1);
        String isolation = root.path("isolation").asText("thread");
        if (!isolation.equals("thread") && !isolation.equals("process")) {
            throw new UserError("Unknown isolation '" + isolation + "'. Use \"isolation\": \"thread\" (trials share "
                    + "this JVM) or \"isolation\": \"process\" (a JVM per trial).");
        }
        return new SweepFile(base, space, random, root.path("seed").asLong(0), budget, parallel,
                isolation.equals("process"), root.path("metric").asText("map_at_r"),
                stopping(root.path("early_stopping")));
    }

    /**
     * YAML read as data only: Jackson builds its tree from SnakeYAML's parser events, without SnakeYAML's
     * constructor, so type tags ({@code !!java.net.URL ...}) never construct objects and aliases are not expanded
     * (an alias reads as its name). Duplicate keys are an error and the file's size is bounded.
     */
    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setCodePointLimit(1 << 20);
        return options;
    }

    /** The parser's complaint in one paragraph, with the line of the problem (YAML's, not the enclosing block's). */
    private static UserError syntaxError(Path file, boolean yaml, JsonProcessingException e) {
        String problem = e.getOriginalMessage();
        int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
                problem = marked.getProblem();
                line = marked.getProblemMark().getLine() + 1;
            }
        }
        return new UserError("Cannot parse the sweep file " + file + ": " + problem.strip().replaceAll("\\s+", " ")
                + (line > 0 ? " at line " + line : "") + ". Fix the " + (yaml ? "YAML" : "JSON") + " syntax.", e);
    }

    /**
     * The trials' option values, in order.
     *
     * @return one map per trial
     */
    public List<Map<String, String>> proposals() {
        return random ? space.random(budget, seed) : space.grid(budget);
    }

    private static int positive(JsonNode root, String key, int absent) {
        if (!root.has(key)) {
            return absent;
        }
        if (!root.get(key).canConvertToInt() || root.get(key).asInt() < 1) {
            throw new UserError("\"" + key + "\" must be a positive integer, found " + root.get(key) + ".");
        }
        return root.get(key).asInt();
    }

    private static Map<String, String> scalars(JsonNode node, String where) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node.isMissingNode()) {
            return out;
        }
        if (!node.isObject()) {
            throw new UserError("\"" + where + "\" must be an object of train options, e.g. {\"epochs\": 5}.");
        }
        node.fields().forEachRemaining(e -> {
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw new UserError("\"" + where + "\".\"" + e.getKey() + "\" must be a string or a number, found "
                        + e.getValue() + ".");
            }
            out.put(e.getKey(), e.getValue().asText());
        });
        return out;
    }

    private static SearchSpace space(JsonNode node) {
        if (!node.isObject() || node.isEmpty()) {
            throw new UserError("The sweep file needs a \"space\": an object of train options to search, e.g. "
                    + "{\"lr\": [0.001, 0.01], \"loss\": [\"triplet\", \"contrastive\"]}.");
        }
        Map<String, Hyperparameter> parameters = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> parameters.put(e.getKey(), hyperparameter(e.getKey(), e.getValue())));
        return new SearchSpace(parameters);
    }

    private static Hyperparameter hyperparameter(String name, JsonNode value) {
        if (value.isArray() && !value.isEmpty()) {
            List<String> values = new ArrayList<>();
            value.forEach(v -> values.add(v.asText()));
            return new Hyperparameter.Choice(values);
        }
        if (value.isObject() && isNumber(value.path("min")) && isNumber(value.path("max"))) {
            double min = value.get("min").asDouble();
            double max = value.get("max").asDouble();
            boolean log = value.path("log").asBoolean(false);
            if (min > max || (log && min <= 0)) {
                throw new UserError("The range of '" + name + "' is empty or, on a log scale, not positive: min "
                        + min + ", max " + max + ".");
            }
            return new Hyperparameter.Range(min, max, log, value.path("integer").asBoolean(false));
        }
        throw new UserError("'" + name + "' in \"space\" must be a non-empty list of values or a range "
                + "{\"min\": A, \"max\": B, \"log\": true|false, \"integer\": true|false}, found " + value + ".");
    }

    /** A number, or a string that is one (YAML 1.1 reads {@code 1e-4}, without a dot, as a string). */
    private static boolean isNumber(JsonNode node) {
        if (node.isNumber()) {
            return true;
        }
        try {
            return node.isTextual() && Double.isFinite(Double.parseDouble(node.asText()));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static StoppingRule.Settings stopping(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        return switch (node.path("rule").asText("median")) {
            case "none" -> null;
            case "median" -> new MedianStoppingRule.Settings(node.path("grace_epochs").asInt(1),
                    node.path("min_trials").asInt(2));
            case "halving" -> new SuccessiveHalving.Settings(node.path("min_epochs").asInt(1),
                    node.path("reduction_factor").asInt(3));
            default -> throw new UserError("Unknown early-stopping rule '" + node.path("rule").asText() + "'. Use "
                    + "\"rule\": \"median\", \"halving\" or \"none\".");
        };
    }
}
