package org.dml4j.experiments.layering;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CLI module's packages point one way: the commands ({@code org.dml4j.experiments}) use the sweep engine, reports,
 * data, training and I/O packages, never the reverse, with no cycle; and the sweep engine knows MLflow only through
 * its tracker interface. Read from the sources: every {@code org.dml4j} type named outside comments, imported or
 * fully qualified.
 */
class PackageDependenciesTest {

    private static final Path ROOT = Path.of("src/main/java/org/dml4j");
    /** A comment: block or to the end of the line. */
    private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);
    /** A named {@code org.dml4j} type or wildcard import; group 1 is its package below {@code org.dml4j}. */
    private static final Pattern TYPE =
            Pattern.compile("\\borg\\.dml4j\\.([a-z][a-z0-9]*(?:\\.[a-z][a-z0-9]*)*)\\.(?:[A-Z]|\\*)");

    @Test
    void theScanSeesKnownDependencies() throws IOException {
        Map<String, Set<String>> graph = dependencies();
        assertTrue(graph.get("experiments").contains("experiments.sweep"), "SweepCommand runs the sweep engine");
        assertTrue(graph.get("experiments.report").contains("mlflow"), "TrackedRun reads runs through the plugin");
    }

    @Test
    void theSubPackagesNeverUseTheCommands() throws IOException {
        Map<String, Set<String>> users = new TreeMap<>();
        dependencies().forEach((pkg, deps) -> {
            if (!pkg.equals("experiments") && deps.contains("experiments")) {
                users.put(pkg, deps);
            }
        });
        assertEquals(Map.of(), users, "packages that depend on the command package org.dml4j.experiments");
    }

    @Test
    void theSweepEngineDoesNotKnowMlflow() throws IOException {
        Set<String> sweep = dependencies().get("experiments.sweep");
        assertTrue(sweep != null && !sweep.contains("mlflow"), "experiments.sweep depends on " + sweep);
    }

    @Test
    void packagesFormNoCycle() throws IOException {
        // Kahn: drop packages whose experiments dependencies are all dropped; what stays is on or behind a cycle
        Map<String, Set<String>> graph = dependencies();
        Set<String> left = new TreeSet<>(graph.keySet());
        boolean dropped = true;
        while (dropped) {
            dropped = left.removeIf(pkg -> graph.get(pkg).stream().noneMatch(dep -> !dep.equals(pkg)
                    && left.contains(dep)));
        }
        assertEquals(Set.of(), left, "packages on or behind a cycle");
    }

    /** Each package of the module (below {@code org.dml4j}) to the {@code org.dml4j} packages its sources name. */
    private static Map<String, Set<String>> dependencies() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        List<Path> sources;
        try (Stream<Path> files = Files.walk(ROOT)) {
            sources = files.filter(f -> f.toString().endsWith(".java")).toList();
        }
        for (Path file : sources) {
            String pkg = ROOT.relativize(file.getParent()).toString().replace('/', '.');
            Set<String> deps = graph.computeIfAbsent(pkg, k -> new TreeSet<>());
            Matcher type = TYPE.matcher(COMMENT.matcher(Files.readString(file)).replaceAll(" "));
            while (type.find()) {
                if (!type.group(1).equals(pkg)) {
                    deps.add(type.group(1));
                }
            }
        }
        return graph;
    }
}
