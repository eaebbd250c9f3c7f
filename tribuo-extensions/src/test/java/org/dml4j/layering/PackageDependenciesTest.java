package org.dml4j.layering;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The library's packages depend on each other without a cycle: read from the sources (every {@code org.dml4j}
 * type a non-comment line names, imported or fully qualified), so a benchmark main or a helper that pulls a higher
 * package into a lower one fails here.
 */
class PackageDependenciesTest {

    private static final Path SOURCES = Path.of("src/main/java");
    /** A reference to an {@code org.dml4j} type: group 1 is its package below {@code org.dml4j}. */
    private static final Pattern TYPE =
            Pattern.compile("\\borg\\.dml4j\\.((?:[a-z][a-z0-9]*\\.)*[a-z][a-z0-9]*)\\.[A-Z]");

    @Test
    void indexDoesNotDependOnEval() {
        Map<String, Set<String>> graph = dependencies();
        assertTrue(graph.containsKey("index"), "no index package found under " + SOURCES.toAbsolutePath());
        assertFalse(graph.get("index").contains("eval"), "index depends on " + graph.get("index"));
    }

    @Test
    void packagesFormNoCycle() {
        Map<String, Set<String>> graph = dependencies();
        List<String> cycle = new ArrayList<>();
        Set<String> done = new TreeSet<>();
        for (String p : graph.keySet()) {
            if (findCycle(p, graph, new ArrayList<>(), done, cycle)) {
                break;
            }
        }
        assertEquals(List.of(), cycle, "package cycle");
    }

    /** Depth-first search; on a back edge fills {@code cycle} with the packages around it. */
    private static boolean findCycle(String p, Map<String, Set<String>> graph, List<String> path, Set<String> done,
                                     List<String> cycle) {
        if (path.contains(p)) {
            cycle.addAll(path.subList(path.indexOf(p), path.size()));
            cycle.add(p);
            return true;
        }
        if (!done.add(p)) {
            return false;
        }
        path.add(p);
        for (String q : graph.getOrDefault(p, Set.of())) {
            if (findCycle(q, graph, path, done, cycle)) {
                return true;
            }
        }
        path.remove(path.size() - 1);
        return false;
    }

    @Test
    void theScanSeesAKnownDependency() {
        assertTrue(dependencies().get("eval").contains("index"), "eval ranks with index.ExactKnn");
    }

    /** Package (relative to {@code org.dml4j}) to the other packages its sources name. */
    private static Map<String, Set<String>> dependencies() {
        Path root = SOURCES.resolve("org/dml4j");
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = root.relativize(file.getParent()).toString().replace('/', '.');
                Set<String> deps = graph.computeIfAbsent(pkg, k -> new TreeSet<>());
                for (String line : Files.readAllLines(file)) {
                    String code = line.strip();
                    if (code.startsWith("*") || code.startsWith("/*") || code.startsWith("//")) {
                        continue;
                    }
                    Matcher m = TYPE.matcher(code);
                    while (m.find()) {
                        if (!m.group(1).equals(pkg)) {
                            deps.add(m.group(1));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return graph;
    }
}
