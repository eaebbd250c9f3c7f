package org.dml4j.experiments.spark;

import org.dml4j.experiments.io.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The executors' extra classpath keeps DML4J's own jars and drops the libraries the Spark distribution ships. */
class ExecutorClasspathTest {

    @TempDir
    Path dir;

    @Test
    void artifactNamesDropTheVersion() {
        assertEquals("jackson-core", ExecutorClasspath.artifact("jackson-core-2.15.2.jar"));
        assertEquals("jackson-module-scala_2.12", ExecutorClasspath.artifact("jackson-module-scala_2.12-2.17.2.jar"));
        assertEquals("nd4j-native", ExecutorClasspath.artifact("nd4j-native-1.0.0-M2.1-linux-x86_64.jar"));
        assertEquals("classes", ExecutorClasspath.artifact("classes"));
    }

    @Test
    void theDistributionsLibrariesGoInAnyVersionAndSameNamedOthersStay() throws IOException {
        Path home = dir.resolve("spark");
        Files.createDirectories(home.resolve("jars"));
        jar(home.resolve("jars/jackson-core-2.15.2.jar"), "com/fasterxml/jackson/core/JsonParser.class");
        jar(home.resolve("jars/guava-14.0.1.jar"), "com/google/common/base/Optional.class");
        Path ourJackson = jar(dir.resolve("jackson-core-2.17.2.jar"), "com/fasterxml/jackson/core/JsonParser.class");
        Path nd4jGuava = jar(dir.resolve("guava-1.0.0-M2.1.jar"), "org/nd4j/shade/guava/base/Optional.class");
        Path picocli = jar(dir.resolve("picocli-4.7.6.jar"), "picocli/CommandLine.class");
        Path classes = Files.createDirectories(dir.resolve("classes"));

        String extra = ExecutorClasspath.of(List.of(ourJackson.toString(), nd4jGuava.toString(), picocli.toString(),
                classes.toString()), home);

        assertEquals(String.join(java.io.File.pathSeparator, nd4jGuava.toString(), picocli.toString(),
                classes.toString()), extra);
    }

    @Test
    void aFolderWithoutJarsIsAClearError() {
        UserError error = assertThrows(UserError.class, () -> ExecutorClasspath.of(List.of(), dir.resolve("nowhere")));
        assertTrue(error.getMessage().contains("SPARK_HOME"), error.getMessage());
    }

    private static Path jar(Path file, String entry) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(entry));
            zip.write(new byte[]{(byte) 0xCA, (byte) 0xFE});
            zip.closeEntry();
        }
        return file;
    }
}
