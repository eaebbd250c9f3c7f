package org.dml4j.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code docker/compose.yaml} and {@code docker/.env.example} as the tests see them, with the part of compose's
 * variable interpolation the file uses ({@code $$}, {@code ${VAR}}, {@code ${VAR:-default}},
 * {@code ${VAR:?message}}), so tests check and run the values compose would hand to the containers.
 */
final class ComposeFile {

    static final Path DOCKER = Path.of("..", "docker");

    /** {@code $$}, or {@code ${NAME}} with an optional {@code :-default}, {@code -default}, {@code :?msg} or
     *  {@code ?msg}. */
    private static final Pattern VARIABLE =
            Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}");

    private final JsonNode root;

    private ComposeFile(JsonNode root) {
        this.root = root;
    }

    static ComposeFile load() {
        try {
            return new ComposeFile(new YAMLMapper().readTree(DOCKER.resolve("compose.yaml").toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode root() {
        return root;
    }

    JsonNode service(String name) {
        JsonNode service = root.path("services").path(name);
        assertTrue(service.isObject(), "compose.yaml has no service " + name);
        return service;
    }

    /** A service's command as written (a list), before interpolation. */
    List<String> command(String name) {
        JsonNode command = service(name).path("command");
        assertTrue(command.isArray(), name + ": command must be a list (the tests take its arguments apart)");
        List<String> args = new ArrayList<>();
        command.forEach(arg -> args.add(arg.asText()));
        return args;
    }

    /** A service's environment as written (a map), before interpolation. */
    Map<String, String> environment(String name) {
        JsonNode environment = service(name).path("environment");
        assertFalse(environment.isArray(), name + ": environment must be a map");
        Map<String, String> map = new LinkedHashMap<>();
        environment.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    /** Every string in the file (keys excluded), e.g. to find all variables it uses. */
    List<String> strings() {
        List<String> strings = new ArrayList<>();
        collect(root, strings);
        return strings;
    }

    private static void collect(JsonNode node, List<String> into) {
        if (node.isValueNode()) {
            into.add(node.asText());
        }
        node.forEach(child -> collect(child, into));
    }

    /** {@code docker/.env.example} as KEY to value, in file order. */
    static Map<String, String> envExample() {
        try {
            Map<String, String> env = new LinkedHashMap<>();
            for (String line : Files.readAllLines(DOCKER.resolve(".env.example"))) {
                int eq = line.indexOf('=');
                if (!line.isBlank() && !line.startsWith("#") && eq > 0) {
                    env.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                }
            }
            return env;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of the variables a string refers to. */
    static Set<String> variables(String text) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = VARIABLE.matcher(text);
        while (m.find()) {
            if (m.group(1) != null) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** Whether the whole string is one variable reference without a default (a value that must come from .env). */
    static boolean isRequiredReference(String text) {
        Matcher m = VARIABLE.matcher(text);
        return m.matches() && m.group(1) != null && (m.group(2) == null || m.group(2).endsWith("?"));
    }

    /**
     * Interpolates as compose does.
     *
     * @throws IllegalArgumentException for a {@code ${VAR:?msg}} whose variable is unset or empty
     */
    static String interpolate(String text, Map<String, String> env) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group(1) == null) {
                replacement = "$";
            } else {
                String value = env.get(m.group(1));
                String operator = m.group(2) == null ? "" : m.group(2);
                boolean missing = operator.startsWith(":") ? value == null || value.isEmpty() : value == null;
                if (operator.endsWith("?") && missing) {
                    throw new IllegalArgumentException(m.group(3));
                }
                replacement = operator.endsWith("-") && missing ? m.group(3) : value == null ? "" : value;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
