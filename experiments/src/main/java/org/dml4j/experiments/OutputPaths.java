package org.dml4j.experiments;

import org.dml4j.experiments.io.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks, before a command's long work starts, that its output files and folders can be written: a run must not
 * train for an hour and then find that its model, metrics or tracking spool have nowhere to go. Missing parent
 * folders are created; writability is probed by creating (and removing) a file, which also holds for root and for
 * read-only mounts.
 */
final class OutputPaths {

    private OutputPaths() {
    }

    /**
     * Checks an output file option.
     *
     * @param file   the file, or null when the option is not given
     * @param option the option, for the message, e.g. {@code --model-out}
     * @throws UserError when the file is a folder or its folder cannot be created or written
     */
    static void file(Path file, String option) {
        if (file == null) {
            return;
        }
        if (Files.isDirectory(file)) {
            throw new UserError(option + " " + file + " is a folder; give a file name in it, e.g. "
                    + file.resolve("out") + ".");
        }
        Path parent = file.toAbsolutePath().getParent();
        probe(parent, option + " " + file);
    }

    /**
     * Checks an output folder option: creates it when missing and checks that files can be written in it.
     *
     * @param directory the folder, or null when the option is not given
     * @param option    the option, for the message, e.g. {@code --checkpoint-dir}
     * @throws UserError when the folder cannot be created or written
     */
    static void directory(Path directory, String option) {
        if (directory != null) {
            probe(directory.toAbsolutePath(), option + " " + directory);
        }
    }

    private static void probe(Path directory, String what) {
        try {
            Files.createDirectories(directory);
            Files.delete(Files.createTempFile(directory, ".dml4j-write-check", ".tmp"));
        } catch (IOException | SecurityException e) {
            throw new UserError("Cannot write " + what + ": the folder " + directory + " cannot be created or "
                    + "written (" + e + "). Give a path in a writable folder; nothing was trained yet.", e);
        }
    }
}
