package org.dml4j.mlflow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tracker whose spool cannot take records fails when it is made, before any training (issue 23: an unwritable
 * spool used to turn tracking off at the run's start, with training going on untracked).
 */
class SpoolRootTest {

    @TempDir
    Path temp;

    private static MlflowTracker tracker(Path spoolRoot) {
        // Never contacted: the tracker sends nothing before onRunStart.
        return new MlflowTracker(new MlflowRestClient(MlflowConnection.of("http://127.0.0.1:9")),
                TrackerOptions.forExperiment("spool").withSpoolRoot(spoolRoot));
    }

    @Test
    void aSpoolRootThatCannotBeCreatedIsAnErrorNamingItAndTheFix() throws IOException {
        Path file = Files.writeString(temp.resolve("not-a-folder"), "x");
        Path root = file.resolve("spool");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tracker(root));
        assertTrue(e.getMessage().contains(root.toString()) && e.getMessage().contains("withSpoolRoot"),
                e.getMessage());
    }

    @Test
    void aUsableSpoolRootIsCreatedOwnerOnlyWhenTheTrackerIsMade() throws IOException {
        Path root = temp.resolve("a").resolve("spool");
        tracker(root);
        assertTrue(Files.isDirectory(root));
        assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(root));
        try (var left = Files.list(root)) {
            assertTrue(left.findAny().isEmpty(), "the probe file is removed");
        }
    }
}
