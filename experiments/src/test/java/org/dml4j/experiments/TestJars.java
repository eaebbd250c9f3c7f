package org.dml4j.experiments;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/** Jars made from class folders, for tools that take jars only (Spark's {@code --jars} refuses folders). */
final class TestJars {

    private TestJars() {
    }

    /**
     * @param classes a class folder (a module's {@code target/classes})
     * @param into    the folder to write the jar in
     * @return the jar, named after the module
     */
    static Path of(Path classes, Path into) throws IOException {
        Path jar = Files.createDirectories(into).resolve(classes.getParent().getParent().getFileName() + ".jar");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classes)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            for (Path path : files) {
                out.putNextEntry(new JarEntry(classes.relativize(path).toString().replace('\\', '/')));
                Files.copy(path, out);
                out.closeEntry();
            }
        }
        return jar;
    }
}
