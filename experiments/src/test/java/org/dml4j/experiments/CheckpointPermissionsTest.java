package org.dml4j.experiments;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Checkpoint files, which hold the model and the optimizer state, are readable by their owner only (issue 23). */
class CheckpointPermissionsTest {

    @TempDir
    Path dir;

    @Test
    void checkpointsAreOwnerOnly() throws IOException {
        Path csv = ClusterCsv.write(dir);
        Path checkpoints = dir.resolve("checkpoints");
        CliRun run = CliRun.of("train", "--dataset", "csv:" + csv, "--label-column", "species", "--network",
                "mlp:16,4", "--epochs", "2", "--batch-size", "32", "--m-per-class", "8", "--quiet",
                "--checkpoint-dir", checkpoints.toString());
        assertEquals(0, run.exitCode(), run.all());
        List<Path> files;
        try (Stream<Path> list = Files.list(checkpoints)) {
            files = list.toList();
        }
        assertFalse(files.isEmpty());
        for (Path file : files) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                    file.toString());
        }
    }
}
