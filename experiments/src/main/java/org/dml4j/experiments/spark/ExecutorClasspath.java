package org.dml4j.experiments.spark;

import org.dml4j.experiments.io.UserError;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The classpath the executors add to their Spark distribution's jars ({@code spark.executor.extraClassPath}): the
 * driver's entries less every library the distribution ships in any version (a jar of the same artifact name that
 * holds the distribution jar's first class: ND4J's shaded {@code guava} jar stays, Jackson's jars go). An executor
 * puts the extra entries first, so a second Jackson or Scala library from the driver's build would shadow the
 * distribution's and break Spark (its Scala module for Jackson refuses another minor version); without them the
 * executors run DML4J on the distribution's shared libraries, as {@code spark-submit} runs a job. The paths must
 * exist on the workers: a local cluster, or the same installation on every machine (elsewhere use
 * {@code spark-submit --jars}).
 */
final class ExecutorClasspath {

    /** A jar's file name: group 1 is the artifact, group 2 its version (after the first dash before a digit). */
    private static final Pattern JAR = Pattern.compile("(.+?)-(\\d[^/]*)\\.jar");

    private ExecutorClasspath() {
    }

    /**
     * @param driver    the driver's classpath entries
     * @param sparkHome the Spark distribution the workers run (its {@code jars} folder is read)
     * @return the extra classpath, joined with the path separator
     * @throws UserError when the distribution has no jars folder
     */
    static String of(List<String> driver, Path sparkHome) {
        Map<String, Path> shipped;
        try (Stream<Path> jars = Files.list(sparkHome.resolve("jars"))) {
            shipped = jars.collect(Collectors.toMap(jar -> artifact(jar.getFileName().toString()), jar -> jar,
                    (a, b) -> a));
        } catch (IOException e) {
            throw new UserError("Cannot read the Spark distribution's jars in " + sparkHome.resolve("jars") + ": "
                    + e.getMessage() + ". Set SPARK_HOME (or --spark-home) to the Spark installation the cluster's "
                    + "workers run.", e);
        }
        return driver.stream().filter(entry -> !entry.isBlank()).filter(entry -> {
            Path distribution = shipped.get(artifact(Path.of(entry).getFileName().toString()));
            return distribution == null || !sameLibrary(Path.of(entry), distribution);
        }).collect(Collectors.joining(File.pathSeparator));
    }

    /** Whether a jar holds the first class of a distribution jar (the same library, in any version). */
    private static boolean sameLibrary(Path jar, Path distribution) {
        try (ZipFile theirs = new ZipFile(distribution.toFile()); ZipFile ours = new ZipFile(jar.toFile())) {
            return theirs.stream().map(ZipEntry::getName).filter(name -> name.endsWith(".class")).findFirst()
                    .map(name -> ours.getEntry(name) != null).orElse(true);
        } catch (IOException unreadable) {
            return false; // not a jar (a classes folder): ours
        }
    }

    /** The artifact name of a jar file name ({@code jackson-core-2.15.2.jar}: {@code jackson-core}). */
    static String artifact(String fileName) {
        Matcher jar = JAR.matcher(fileName);
        return jar.matches() ? jar.group(1) : fileName;
    }
}
