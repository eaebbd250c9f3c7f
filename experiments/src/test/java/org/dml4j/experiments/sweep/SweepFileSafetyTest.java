package org.dml4j.experiments.sweep;

import org.dml4j.experiments.XxePayloads;
import org.dml4j.experiments.io.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sweep files are read as data (issue 23): YAML type tags build nothing and reach no host; duplicate keys fail. */
class SweepFileSafetyTest {

    @TempDir
    Path dir;

    @Test
    void yamlTypeTagsConstructNothing() throws IOException {
        try (ServerSocket listener = XxePayloads.listener()) {
            Path file = dir.resolve("tags.yaml");
            Files.writeString(file, """
                    space:
                      loss: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL \
                    ["http://127.0.0.1:%d/"]]]]
                      lr: !!java.io.FileOutputStream [%s]
                    """.formatted(listener.getLocalPort(), dir.resolve("written")));
            SweepFile sweep = SweepFile.read(file);
            assertEquals(List.of("loss", "lr"), List.copyOf(sweep.space().parameters().keySet()));
            assertTrue(Files.notExists(dir.resolve("written")));
            XxePayloads.assertNoConnection(listener);
        }
    }

    @Test
    void aDuplicateKeyIsAnError() throws IOException {
        Path file = dir.resolve("twice.yaml");
        Files.writeString(file, "space:\n  lr: [0.1]\n  lr: [0.2]\n");
        String message = assertThrows(UserError.class, () -> SweepFile.read(file)).getMessage();
        assertTrue(message.contains("Duplicate field 'lr'") && message.contains("line 3"), message);
    }
}
