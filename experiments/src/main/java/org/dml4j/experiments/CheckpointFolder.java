package org.dml4j.experiments;

import org.dml4j.experiments.io.UserError;
import org.dml4j.train.Checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checkpoints in a {@code --checkpoint-dir} folder ({@link Checkpoint#fileName} names them by epoch): the last
 * one, which {@code train --resume DIR} continues from, and the check that a fresh run does not overwrite them.
 */
final class CheckpointFolder {

    private static final Pattern NAME = Pattern.compile("checkpoint-epoch-(\\d{1,9})\\.pb");

    private CheckpointFolder() {
    }

    /**
     * The checkpoint of the latest epoch in a folder.
     *
     * @param directory the folder
     * @return the file, or empty when the folder has none (or does not exist)
     * @throws UserError when the folder cannot be listed
     */
    static Optional<Path> latest(Path directory) {
        if (!Files.isDirectory(directory)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> NAME.matcher(f.getFileName().toString()).matches() && Files.isRegularFile(f))
                    .max(Comparator.comparingLong(CheckpointFolder::epoch));
        } catch (IOException e) {
            throw new UserError("Cannot list the checkpoints in " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks that a fresh run may write its checkpoints into a folder: it must hold none yet.
     *
     * @param directory the {@code --checkpoint-dir} folder
     * @throws UserError naming the checkpoint found, {@code --resume} and a fresh folder
     */
    static void requireFresh(Path directory) {
        latest(directory).ifPresent(found -> {
            throw new UserError("--checkpoint-dir " + directory + " already holds checkpoints (the latest is "
                    + found.getFileName() + "); a new run would overwrite them. Continue that run with --resume "
                    + directory + ", or give a fresh --checkpoint-dir.");
        });
    }

    private static long epoch(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }
}
